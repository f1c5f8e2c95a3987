#!/usr/bin/env python3
"""junit_check.py FILE: checks a JUnit XML file against what the Ant JUnit schema (the
JUnit.xsd generic CI reads) requires, and that its counts add up. Exit 0 valid, 1 not
(each problem on stderr), 2 usage. Prints "suites N tests T failures F errors E skipped S".

Required, per the schema: a <testsuites> root holding <testsuite> elements; each testsuite
with name, package, id (0, 1, ... in order), timestamp (YYYY-MM-DDTHH:MM:SS, no zone),
hostname, tests, failures, errors, time (skipped optional), and exactly, in this order:
<properties> (of <property name value>), <testcase>*, <system-out>, <system-err>; each
testcase with name, classname, time and at most one of <skipped>, <error>, <failure>;
<error> and <failure> with a type.
"""
import re
import sys
import xml.etree.ElementTree as ET

DATETIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$")
DECIMAL = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")
INT = re.compile(r"^[+-]?[0-9]+$")
problems = []


def need(cond, where, what):
    if not cond:
        problems.append(f"{where}: {what}")


def token(v):
    return v is not None and v != "" and v == " ".join(v.split())


def check_attrs(el, where, spec):
    for name, kind in spec.items():
        v = el.get(name)
        need(v is not None, where, f"missing attribute {name}")
        if v is None:
            continue
        if kind == "int":
            need(INT.match(v), where, f"{name}={v!r} is not an integer")
        elif kind == "decimal":
            need(DECIMAL.match(v), where, f"{name}={v!r} is not a decimal")
        elif kind == "datetime":
            need(DATETIME.match(v), where, f"{name}={v!r} is not YYYY-MM-DDTHH:MM:SS")
        elif kind == "token":
            need(token(v), where, f"{name}={v!r} is not a non-empty token")


def check_suite(suite, index, totals):
    where = f"testsuite {index} ({suite.get('name')!r})"
    check_attrs(suite, where, {"name": "token", "package": "token", "id": "int", "timestamp": "datetime",
                               "hostname": "token", "tests": "int", "failures": "int", "errors": "int",
                               "time": "decimal"})
    need(suite.get("id") == str(index), where, f"id {suite.get('id')!r}, want {index}")
    if suite.get("skipped") is not None:
        need(INT.match(suite.get("skipped")), where, "skipped is not an integer")
    tags = [c.tag for c in suite]
    need(tags[:1] == ["properties"], where, "the first child must be <properties>")
    need(tags[-2:] == ["system-out", "system-err"], where, "the last children must be <system-out>, <system-err>")
    middle = tags[1:-2] if len(tags) >= 3 else []
    need(all(t == "testcase" for t in middle), where, f"only <testcase> between properties and system-out: {middle}")
    if tags[:1] == ["properties"]:
        for p in suite[0]:
            need(p.tag == "property", where, f"<{p.tag}> in <properties>")
            check_attrs(p, where + " property", {"name": "token"})
            need(p.get("value") is not None, where, "property without a value")
    counts = {"tests": 0, "failure": 0, "error": 0, "skipped": 0}
    for case in suite.findall("testcase"):
        cwhere = f"{where} testcase {case.get('name')!r}"
        check_attrs(case, cwhere, {"name": "token", "classname": "token", "time": "decimal"})
        counts["tests"] += 1
        children = list(case)
        need(len(children) <= 1, cwhere, f"{len(children)} children, at most one of skipped/error/failure")
        for c in children:
            need(c.tag in ("skipped", "error", "failure"), cwhere, f"<{c.tag}> in a testcase")
            if c.tag in ("error", "failure"):
                need(c.get("type") is not None, cwhere, f"<{c.tag}> without a type")
            if c.tag in counts:
                counts[c.tag] += 1
    need(suite.get("tests") == str(counts["tests"]), where, f"tests={suite.get('tests')}, {counts['tests']} testcases")
    need(suite.get("failures") == str(counts["failure"]), where, f"failures={suite.get('failures')}, {counts['failure']} <failure>")
    need(suite.get("errors") == str(counts["error"]), where, f"errors={suite.get('errors')}, {counts['error']} <error>")
    if suite.get("skipped") is not None:
        need(suite.get("skipped") == str(counts["skipped"]), where, f"skipped={suite.get('skipped')}, {counts['skipped']} <skipped>")
    for k in counts:
        totals[k] += counts[k]


def main():
    if len(sys.argv) != 2:
        print("usage: junit_check.py FILE", file=sys.stderr)
        return 2
    try:
        root = ET.parse(sys.argv[1]).getroot()
    except (OSError, ET.ParseError) as e:
        print(f"{sys.argv[1]}: not well-formed XML: {e}", file=sys.stderr)
        return 1
    need(root.tag == "testsuites", "root", f"<{root.tag}>, want <testsuites>")
    need(not root.attrib, "root", f"the schema gives <testsuites> no attributes: {dict(root.attrib)}")
    suites = list(root)
    need(len(suites) > 0, "root", "no testsuite")
    totals = {"tests": 0, "failure": 0, "error": 0, "skipped": 0}
    for i, suite in enumerate(suites):
        need(suite.tag == "testsuite", "root", f"<{suite.tag}> in <testsuites>")
        check_suite(suite, i, totals)
    for p in problems:
        print(f"{sys.argv[1]}: {p}", file=sys.stderr)
    print(f"suites {len(suites)} tests {totals['tests']} failures {totals['failure']} errors {totals['error']} "
          f"skipped {totals['skipped']}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

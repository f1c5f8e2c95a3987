// SIGINT and SIGTERM end a stress run cleanly: the loop finishes the current program and
// returns, and the sandboxes' destructors unmount and detach what they made.
#pragma once

namespace nfz::stress {

void install_stop_handlers();
bool stop_requested();

}  // namespace nfz::stress

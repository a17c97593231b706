// Stopping a run cleanly: SIGINT and SIGTERM ask the trainer to finish the current update,
// write a checkpoint and stop; a second signal stops at once (every file the trainer writes is
// replaced atomically, so that loses at most the work since the last checkpoint).
#pragma once

namespace nmt::train {

void install_stop_signal_handlers();
int received_stop_signal();  // 0, or the signal that asked to stop
void request_stop(int signal_number);

}  // namespace nmt::train

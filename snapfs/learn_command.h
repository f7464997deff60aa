// snapinfo learn [--fresh] [--restore PATH] [--env K=V]... [--clear-env]
//                [--anon=exact|mapped] [--trust] [--verify] NAME [INVOCATION...]
// One training run (snapfs/learner.h), merged with the learned set NAME
// holds (--fresh: replacing it) and stored in NAME.info. INVOCATION is
// handed to restore after NAME as it is (`-- ARGS`: the job's arguments);
// restore's options --env, --clear-env, --anon, --trust and --verify go
// before NAME, as restore takes them (train the mode you restore in); -n,
// --stop, --populate and --no-learned are not for training.
#pragma once

namespace snappy {

// argv after "learn"; returns the exit code (0 stored, 1 failed, 2 usage).
int learn_command(int argc, char** argv);

}  // namespace snappy

// Loaded into every tap test process (package.json "tap" node-arg), after tap's coverage recorder has started.
// Processes that a test spawns (`node --import tsx`) transpile the same source differently from tap's own loader, and
// c8 merges raw V8 ranges per file before mapping them back to the source, so one such child turns a file's coverage
// into garbage. Coverage is therefore recorded in the test processes only, not in the processes they spawn: code that
// runs solely inside a spawned child (the CLIs' and server's entry points) is not counted.
import process from 'node:process';

process.env._TAPJS_PROCESSINFO_COVERAGE_ = '0';

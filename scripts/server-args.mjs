// The Node.js arguments the server runs with, shared by `npm start` and the benchmarks (the
// Dockerfile's CMD repeats them). Plain JavaScript, so it loads before anything is compiled.
//
// --max-semi-space-size: every message makes short-lived objects (frames, promises, rows). A
// larger young generation lets them die before a scavenge copies them, so garbage collection
// takes less of the server's busy time (see docs/decisions/005).
export const SERVER_NODE_ARGS = ['--max-semi-space-size=32', '--import', 'tsx'];
export const SERVER_ENTRY = 'src/server/main.ts';

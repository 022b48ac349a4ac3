import { applyV8Tuning } from './v8-tuning.js';

// Imported first by the command-line entry points, so the V8 settings apply before the rest of
// the program is even loaded: loading it (the command table, the handlers) allocates enough
// that V8 had already grown the young generation to its 16 MB maximum by the time runServer
// ran, and a semi-space, once grown, is not shrunk again.
applyV8Tuning();

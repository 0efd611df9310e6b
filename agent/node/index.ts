/**
 * `trackables/node`: what only Node programs need, kept out of the browser entry points.
 * @packageDocumentation
 */
export { dumpOnSignal, type DumpOnSignalOptions } from './dump-on-signal.js';

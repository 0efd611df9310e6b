/*
 * Child process for dump-on-signal.test.ts: a Tracker with live instances and dumpOnSignal
 * installed. Lines on stdin drive it: "more" makes instances, "remove" removes the handler.
 */
import { createInterface } from 'node:readline';
import { dumpOnSignal } from '../node/dump-on-signal.js';
import { Trackable, setGlobalTracker } from '../trackable.js';
import { Tracker } from '../tracker.js';

class Session extends Trackable {}
class Socket extends Trackable {}

const tracker = new Tracker();
setGlobalTracker(tracker);
const kept: Trackable[] = [new Session(), new Session(), new Socket()];
const stop = dumpOnSignal(tracker);
const alive = setInterval(() => undefined, 60_000);

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'more') kept.push(new Session(), new Session(), new Session());
  else if (line === 'remove') stop();
  else if (line === 'exit') clearInterval(alive);
  process.stdout.write(`done ${line}\n`);
});
process.stdout.write('ready\n');

import { encodeOps } from '../../agent/protocol/encode.js';
import { AGENT_SOURCE, PROTOCOL_VERSION, type AgentBatch, type AgentHello } from '../../agent/protocol/messages.js';

/** Valid agent messages for tests. */
export function hello(session: string, frame = 'f1', url = 'https://app.test/'): AgentHello {
  return { source: AGENT_SOURCE, v: PROTOCOL_VERSION, kind: 'hello', session, frame, agent: '0.1.0', url, time: 1000 };
}

/** A batch of `events` "attached" events of one type. */
export function batch(session: string, seq: number, events = 1, frame = 'f1', dropped = 0): AgentBatch {
  const numbers: number[] = [];
  for (let i = 0; i < events; i++) numbers.push(0, i + 1, i, -1);
  return { source: AGENT_SOURCE, v: PROTOCOL_VERSION, kind: 'batch', session, frame, seq, t0: 1000, dropped, strings: ['Widget'], ...encodeOps(numbers) };
}

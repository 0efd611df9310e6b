import { checkRecording, READABLE_RECORDING_VERSIONS, RECORDING_FORMAT, RECORDING_VERSION, type Recording } from '../../agent/protocol/recording.js';

export type ReadRecording = { ok: true; recording: Recording } | { ok: false; error: string };

/**
 * Parses and checks a recording file's text. Never throws: a file that is not one gives a
 * sentence saying why, naming the version when it is a recording this panel cannot read.
 */
export function readRecording(text: string): ReadRecording {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `Broken file: JSON parse error: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, error: `Not a Trackables recording: the file holds ${Array.isArray(data) ? 'an array' : `a ${data === null ? 'null' : typeof data}`}, not an object` };
  }
  const { format, version } = data as { format?: unknown; version?: unknown };
  if (format !== RECORDING_FORMAT) {
    return { ok: false, error: `Not a Trackables recording: "format" is ${format === undefined ? 'missing' : JSON.stringify(format)}, not "${RECORDING_FORMAT}"` };
  }
  // Checked before the shape: another version's shape may differ, and its number is the news.
  if (typeof version !== 'number' || !(READABLE_RECORDING_VERSIONS as readonly number[]).includes(version)) {
    return { ok: false, error: `This file is a Trackables recording of version ${JSON.stringify(version)}; this panel reads versions ${READABLE_RECORDING_VERSIONS.join(', ')} (${RECORDING_VERSION} is the newest)` };
  }
  const checked = checkRecording(data);
  return checked.ok ? { ok: true, recording: checked.message } : { ok: false, error: `Not a valid Trackables recording: ${checked.reason}` };
}

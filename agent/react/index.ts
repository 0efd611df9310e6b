/**
 * `trackables/react`: tracking for React function components. Needs React 19 (an optional peer
 * dependency of trackables: only this entry imports it).
 * @packageDocumentation
 */
export { useTrackable } from './use-trackable.js';

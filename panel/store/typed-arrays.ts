type Column = Float64Array | Int32Array | Uint32Array | Uint8Array;

/** A new array of the same kind, `capacity` long, starting with `array`'s elements (the rest 0). */
export function grown<T extends Column>(array: T, capacity: number): T {
  const bigger = new (array.constructor as new (length: number) => T)(capacity);
  bigger.set(array);
  return bigger;
}

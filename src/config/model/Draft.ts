/** A model object while it is being built: the same shape with writable top-level fields. */
export type Draft<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Iterator helpers (ES2025: `iterator.map()`, `.filter()`, `.flatMap()`, `.reduce()`, `.find()`,
 * `.toArray()`…) for Node 20, whose V8 lacks them. Lighthouse 13 declares Node ≥ 22 and its trace
 * engine calls them (`map.values().reduce(…)`): on Node 20 the insights "Duplicated JavaScript",
 * "Legacy JavaScript" and "3rd parties" error out without this. Installed only in the Lighthouse
 * process (tests/bench/lighthouse.ts); a no-op where the runtime has them.
 */
type Fn<T, R> = (value: T, index: number) => R;

export function installIteratorHelpers(): void {
  const proto = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())) as Record<string, unknown>;
  if (typeof proto.flatMap === 'function') return;
  const define = (name: string, fn: (this: Iterator<unknown>, ...args: never[]) => unknown) =>
    Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true, enumerable: false });
  const iterate = function* <T>(it: Iterator<T>): Generator<T> {
    for (let r = it.next(); !r.done; r = it.next()) yield r.value;
  };

  define('map', function <T, R>(this: Iterator<T>, fn: Fn<T, R>) {
    return (function* (it: Iterator<T>) {
      let i = 0;
      for (const v of iterate(it)) yield fn(v, i++);
    })(this);
  });
  define('filter', function <T>(this: Iterator<T>, fn: Fn<T, unknown>) {
    return (function* (it: Iterator<T>) {
      let i = 0;
      for (const v of iterate(it)) if (fn(v, i++)) yield v;
    })(this);
  });
  define('flatMap', function <T, R>(this: Iterator<T>, fn: Fn<T, Iterable<R>>) {
    return (function* (it: Iterator<T>) {
      let i = 0;
      for (const v of iterate(it)) yield* fn(v, i++);
    })(this);
  });
  define('take', function <T>(this: Iterator<T>, limit: number) {
    return (function* (it: Iterator<T>) {
      let left = limit;
      if (left <= 0) return;
      for (const v of iterate(it)) {
        yield v;
        if (--left <= 0) return;
      }
    })(this);
  });
  define('drop', function <T>(this: Iterator<T>, count: number) {
    return (function* (it: Iterator<T>) {
      let skip = count;
      for (const v of iterate(it)) {
        if (skip > 0) skip--;
        else yield v;
      }
    })(this);
  });
  define('toArray', function <T>(this: Iterator<T>) {
    return [...iterate(this)];
  });
  define('forEach', function <T>(this: Iterator<T>, fn: Fn<T, unknown>) {
    let i = 0;
    for (const v of iterate(this)) fn(v, i++);
  });
  define('some', function <T>(this: Iterator<T>, fn: Fn<T, unknown>) {
    let i = 0;
    for (const v of iterate(this)) if (fn(v, i++)) return true;
    return false;
  });
  define('every', function <T>(this: Iterator<T>, fn: Fn<T, unknown>) {
    let i = 0;
    for (const v of iterate(this)) if (!fn(v, i++)) return false;
    return true;
  });
  define('find', function <T>(this: Iterator<T>, fn: Fn<T, unknown>) {
    let i = 0;
    for (const v of iterate(this)) if (fn(v, i++)) return v;
    return undefined;
  });
  define('reduce', function <T, A>(this: Iterator<T>, fn: (acc: A, value: T, index: number) => A, ...init: [A?]) {
    let i = 0;
    let acc: A;
    if (init.length) acc = init[0] as A;
    else {
      const first = this.next();
      if (first.done) throw new TypeError('Reduce of empty iterator with no initial value');
      acc = first.value as unknown as A;
      i = 1;
    }
    for (const v of iterate(this)) acc = fn(acc, v, i++);
    return acc;
  });
}

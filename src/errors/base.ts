// The base of every lastcall error, and the brand that makes `instanceof` work across copies of
// the package: the ESM and CommonJS builds each define their classes, so an error thrown by one is
// not an instance of the other's by prototype; the brand and the class names decide instead.

const BRAND = Symbol.for('lastcall.error');

export interface LastcallErrorOptions {
  cause?: unknown;
}

export abstract class LastcallError extends Error {
  abstract readonly code: `ERR_${string}`;

  constructor(message: string, options?: LastcallErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }

  /** `err instanceof InvalidOptionError` is true for a lastcall error of that class (or a subclass)
   * from any copy of lastcall: a branded error whose prototype chain has a class of this name. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (typeof value !== 'object' || value === null || !(BRAND in value)) return false;
    for (
      let proto: unknown = Object.getPrototypeOf(value);
      proto !== null && typeof proto === 'object';
      proto = Object.getPrototypeOf(proto)
    ) {
      if (
        Object.hasOwn(proto, 'constructor') &&
        (proto as { constructor: { name: unknown } }).constructor.name === this.name
      )
        return true;
    }
    return false;
  }
}

Object.defineProperty(LastcallError.prototype, BRAND, { value: true });

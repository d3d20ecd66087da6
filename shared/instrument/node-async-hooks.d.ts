// The slice of node:async_hooks that workerd provides under nodejs_compat and this code uses; the
// Worker's types (@cloudflare/workers-types) do not declare node modules.
declare module 'node:async_hooks' {
  export class AsyncLocalStorage<T> {
    run<R>(store: T, callback: () => R): R;
    getStore(): T | undefined;
  }
}

// The slice of node:async_hooks that counting-d1.ts uses, as workerd provides it under
// nodejs_compat (set by the counted copy's generated config; the test pool sets it for tests). The
// Worker's types (@cloudflare/workers-types) do not declare node modules.
declare module 'node:async_hooks' {
  export class AsyncLocalStorage<T> {
    run<R>(store: T, callback: () => R): R;
    getStore(): T | undefined;
  }
}

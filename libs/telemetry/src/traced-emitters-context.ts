import { EventEmitter } from 'node:events';
import { trace, type Context, type ContextManager } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';

/**
 * The SDK's AsyncLocalStorage context manager (the NodeSDK `contextManager` option), except that
 * an event emitter is bound only to a context holding a span. Binding patches the emitter's
 * listener methods and wraps every listener added later; for a request the edge does not trace
 * (suppressed context, no span) that work buys nothing: nothing there starts a span (hops are
 * instrumented only inside a span, pg/ioredis/undici need a parent), so its listeners may run
 * in whatever context emits them.
 */
export class TracedEmittersContextManager implements ContextManager {
  private readonly inner = new AsyncLocalStorageContextManager();

  active(): Context {
    return this.inner.active();
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.inner.with(context, fn, thisArg, ...args);
  }

  bind<T>(context: Context, target: T): T {
    if (target instanceof EventEmitter && trace.getSpan(context) === undefined) return target;
    return this.inner.bind(context, target);
  }

  enable(): this {
    this.inner.enable();
    return this;
  }

  disable(): this {
    this.inner.disable();
    return this;
  }
}

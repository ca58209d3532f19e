import { createDelivery, type Delivery } from './delivery.js';
import { cleanAttributes, eventFactory, validName, type EventFactory } from './event.js';
import { uuid } from './ids.js';
import { createQueue, type Queue } from './queue.js';
import { sessionAt, type Session } from './session.js';
import { createStore, type Store } from './storage.js';
import type { Attributes, AutoTrack, ClickstreamEvent, Consent, Item, Options, RecordInput, UserAttribute } from './types.js';

/** Moments the automatic trackers hook into. */
export interface Hooks {
  /** The page is about to be replaced by an SPA navigation. */
  leave: () => void;
  /** A page view was just recorded. */
  enter: () => void;
  /** The page is being hidden or unloaded: the last moment to record before the final upload. */
  hide: () => void;
  /** A `_session_start` is being built: add to its attributes. */
  sessionStart: (attributes: Attributes) => void;
}

export interface TrackerContext {
  options: Options;
  tracks(name: keyof AutoTrack): boolean;
  record(name: string, attributes?: Attributes): void;
  on<K extends keyof Hooks>(hook: K, listener: Hooks[K]): void;
  /** addEventListener whose listener can never throw into the page. */
  listen(target: EventTarget, type: string, listener: (event: Event) => void): void;
}

/** An automatic event source, switched by its `autoTrack` flag. */
export type Tracker = (context: TrackerContext) => void;

export interface Clickstream {
  init(options: Options): void;
  record(input: RecordInput): void;
  setUserId(id: string | null): void;
  setUserAttributes(attributes: Record<string, string | number | boolean | null>): void;
  setGlobalAttributes(attributes: Record<string, string | number | boolean | null>): void;
  /** Uploads what is queued now; resolves when the queue is empty or an upload failed (it is retried later). */
  flush(): Promise<void>;
  /** Stops recording and sending, and forgets queued events; remembered across visits. */
  optOut(): void;
  optIn(): void;
  setConsent(consent: 'granted' | 'denied'): void;
}

type Users = Record<string, UserAttribute>;
type Nullable = Record<string, string | number | boolean | null>;

const PREINIT_CALLS = 100;
/** Upload early once this much waits, so batches stay under the 64 KB a page may send while unloading. */
const EARLY_FLUSH_BYTES = 32_768;

export function createClickstream(trackers: Tracker[]): Clickstream {
  let options: Options | undefined;
  let store: Store;
  let queue: Queue;
  let delivery: Delivery;
  let makeEvent: EventFactory;
  let uniqueId: string;
  let timeout: number;
  let consent: Consent = 'granted';
  let entrance = false;
  let currentUrl = '';
  let globals: Attributes = {};
  let held: ClickstreamEvent[] = [];
  let flushSoon: ReturnType<typeof setTimeout> | undefined;
  const early: (() => void)[] = [];
  const hooks: { [K in keyof Hooks]?: Hooks[K][] } = {};

  const log = (message: string, detail?: unknown) => {
    if (options?.debug) console.log(`[clickstream] ${message}`, detail ?? '');
  };
  const guard =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A) => {
      try {
        if (options) fn(...args);
        else if (early.length < PREINIT_CALLS) early.push(() => fn(...args));
      } catch (error) {
        log('error', error);
      }
    };
  const tracks = (name: keyof AutoTrack) => {
    const auto = options?.autoTrack;
    return auto !== false && (typeof auto != 'object' || auto[name] !== false);
  };
  const run = <K extends keyof Hooks>(hook: K, ...args: Parameters<Hooks[K]>) =>
    hooks[hook]?.forEach((fn) => {
      try {
        (fn as (...a: Parameters<Hooks[K]>) => void)(...args);
      } catch (error) {
        log(hook, error);
      }
    });

  const doNotTrack = () => {
    const nav = navigator as Navigator & { globalPrivacyControl?: boolean };
    return !!options?.respectDoNotTrack && (nav.doNotTrack == '1' || nav.globalPrivacyControl === true);
  };
  const optedOut = () => store.get('optout') === true;
  /** Nothing is recorded at all. */
  const silenced = () => consent == 'denied' || optedOut() || doNotTrack();
  /** Events may be stored and sent. */
  const allowed = () => consent == 'granted' && !silenced();

  const users = (): Users => ({ ...store.get<Users>('user') });
  /** Ordinary events carry only the login id and first-visit time; `_profile_set` carries the whole profile. */
  const userOf = (profile: boolean): Users => {
    const all = users();
    // An absent one is undefined, which JSON leaves out.
    return profile ? all : ({ _user_id: all._user_id, _user_first_touch_timestamp: all._user_first_touch_timestamp } as Users);
  };

  function touchSession(now: number): Session {
    const before = store.get<Session>('session');
    const session = sessionAt(before, now, timeout);
    store.set('session', session);
    if (session.id != before?.id) {
      entrance = true;
      const attributes: Attributes = {};
      run('sessionStart', attributes);
      if (tracks('sessionStart')) emit('_session_start', attributes);
    }
    return session;
  }

  function emit(name: string, attributes: Attributes = {}, items?: Item[], profile = false): ClickstreamEvent | undefined {
    if (silenced()) return;
    const now = Date.now();
    const session = touchSession(now);
    const event = makeEvent(
      name,
      {
        ...globals,
        ...attributes,
        _session_id: session.id,
        _session_start_timestamp: session.start,
        _session_duration: now - session.start,
        _session_number: session.number,
      },
      userOf(profile),
      items,
    );
    log(name, event);
    if (consent != 'pending') enqueue(event);
    else if (held.push(event) > (options!.maxQueue ?? 1_000)) held.shift();
    return event;
  }

  function enqueue(event: ClickstreamEvent): void {
    if (queue.push(event) >= EARLY_FLUSH_BYTES || options!.sendMode == 'immediate') {
      flushSoon ??= setTimeout(() => {
        flushSoon = undefined;
        void delivery.flush();
      });
    }
  }

  function pageView(): void {
    const now = Date.now();
    touchSession(now);
    const previous = store.get<{ url: string; at: number }>('page');
    const attributes: Attributes = {
      _page_referrer: (entrance ? '' : previous?.url) || document.referrer,
      _entrances: entrance ? 1 : 0,
    };
    if (previous) attributes._previous_timestamp = previous.at;
    entrance = false;
    currentUrl = location.href;
    const view = tracks('pageView') ? emit('_page_view', attributes) : undefined;
    store.set('page', { url: currentUrl, at: view?.timestamp ?? now });
    run('enter');
  }

  const navigated = () => {
    if (location.href == currentUrl) return;
    run('leave');
    pageView();
  };

  const listen: TrackerContext['listen'] = (target, type, listener) =>
    target.addEventListener(type, (event) => guard(listener)(event), { capture: true, passive: true });

  function watchPage(): void {
    // SPAs change pages through the History API; wrapping it is the only way to hear pushState.
    for (const method of ['pushState', 'replaceState'] as const) {
      const original = history[method];
      history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
        original.apply(this, args);
        guard(navigated)();
      };
    }
    listen(window, 'popstate', navigated);

    const hide = () => {
      run('hide');
      delivery.flushOnExit();
    };
    listen(document, 'visibilitychange', () => {
      if (document.visibilityState == 'hidden') return hide();
      // Back after the session ran out: that is a new visit, with its own entrance page view.
      const session = store.get<Session>('session');
      if (!session || Date.now() - session.last >= timeout) pageView();
      void delivery.flush();
    });
    listen(window, 'pagehide', hide);
    listen(window, 'online', () => void delivery.flush(true));
  }

  function setAttributes(target: Record<string, unknown>, input: Nullable, wrap: (value: string | number | boolean) => unknown): void {
    for (const [name, value] of Object.entries(input ?? {})) if (value === null) delete target[name];
    for (const [name, value] of Object.entries(cleanAttributes(input))) target[name] = wrap(value);
  }

  const api: Clickstream = {
    init(settings) {
      try {
        if (options || !settings?.appId || !settings.endpoint) return console.warn('[clickstream] init: once, with appId and endpoint');
        options = settings;
        timeout = settings.sessionTimeout ?? 1_800_000;
        consent = settings.consent ?? 'granted';
        store = createStore(false, (error) => log('storage', error));
        store.persist(allowed());
        const now = Date.now();
        let deviceId = store.get<string>('device');
        const firstVisit = !deviceId;
        if (!deviceId) {
          store.set('device', (deviceId = uuid()));
          store.set('user', { ...users(), _user_first_touch_timestamp: { value: now, set_timestamp: now } });
        }
        uniqueId = store.get<string>('uid') ?? uuid();
        store.set('uid', uniqueId);
        globals = cleanAttributes(settings.globalAttributes);
        makeEvent = eventFactory({ appId: settings.appId, deviceId, uniqueId });
        queue = createQueue(
          store,
          `q:${settings.appId}`,
          { count: settings.maxQueue ?? 1_000, bytes: settings.maxQueueBytes ?? 1_000_000 },
          (dropped) =>
            makeEvent(
              '_clickstream_error',
              { _error_code: 5001, _error_message: `queue full: dropped ${dropped} events`, dropped_events: dropped },
              userOf(false),
            ),
        );
        delivery = createDelivery(queue, settings, store, allowed, log);
        const context: TrackerContext = {
          options: settings,
          tracks,
          record: (name, attributes) => emit(name, attributes),
          on: (hook, listener) => void (hooks[hook] ??= []).push(listener as never),
          listen,
        };
        for (const tracker of trackers) tracker(context);
        watchPage();
        touchSession(now);
        if (firstVisit && tracks('firstOpen')) emit('_first_open');
        pageView();
        setInterval(() => void delivery.flush(), settings.flushInterval ?? 5_000);
        early.splice(0).forEach((call) => call());
        void delivery.flush();
      } catch (error) {
        log('init', error);
      }
    },
    record: guard((input: RecordInput) => {
      if (!validName(input?.name)) return log('invalid event name', input);
      emit(input.name, cleanAttributes(input.attributes), Array.isArray(input.items) ? input.items : undefined);
    }),
    setUserId: (id) => api.setUserAttributes({ _user_id: id }),
    setUserAttributes: guard((attributes: Nullable) => {
      const all = users();
      setAttributes(all, attributes, (value) => ({ value, set_timestamp: Date.now() }));
      store.set('user', all);
      emit('_profile_set', {}, undefined, true);
    }),
    setGlobalAttributes: guard((attributes: Nullable) => setAttributes(globals, attributes, (value) => value)),
    flush: () => (options ? delivery.flush(true) : Promise.resolve()),
    optOut: guard(() => {
      store.set('optout', true, true);
      store.persist(false);
      held = [];
      queue.clear();
    }),
    optIn: guard(() => {
      store.set('optout', undefined, true);
      store.persist(allowed());
    }),
    setConsent: guard((granted: 'granted' | 'denied') => {
      consent = granted == 'granted' ? 'granted' : 'denied';
      store.persist(allowed());
      if (!allowed()) {
        held = [];
        return queue.clear();
      }
      held.splice(0).forEach(enqueue);
      void delivery.flush();
    }),
  };
  return api;
}

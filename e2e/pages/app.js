// The fixture app: a few trackable classes and a small API on window that the e2e tests drive
// with page.evaluate. Loaded after /agent/trackables.global.js by every fixture page.
//
// <script src="/app.js" data-prefix="Child"> names the types ChildWidget, ChildStore… so a test
// can tell which frame an event came from by its type name alone.
(() => {
  const { Trackable, PostMessageTracker, Tracker, setGlobalTracker } = window.Trackables;
  const prefix = document.currentScript?.dataset.prefix ?? '';

  // The forwarded Tracker counts the same events in the page: the oracle the panel must match.
  const local = new Tracker();
  const tracker = new PostMessageTracker({ forward: local });
  setGlobalTracker(tracker);

  // trackingName, not the class name, is what the panel shows: it survives any renaming.
  const make = (name) => {
    const type = class extends Trackable {};
    type.trackingName = prefix + name;
    return type;
  };
  const types = Object.fromEntries(['Widget', 'Store', 'Subscription', 'Marker'].map((name) => [name, make(name)]));

  // Instances the page keeps alive, per type, oldest first.
  const kept = Object.fromEntries(Object.keys(types).map((name) => [name, []]));

  let stream = null;

  const typeOf = (name) => {
    const type = types[name];
    if (type === undefined) throw new Error(`unknown type ${name}`);
    return type;
  };

  Object.assign(window, {
    trackablesLocal: local,
    trackablesTracker: tracker,
    /** Turns object tracking for `name` on (or off): the panel may then reveal its instances. */
    trackObjects(name, enable = true) {
      tracker.setObjectTracking(typeOf(name), enable);
    },
    /** Creates n instances of `name` and keeps them; returns how many of that type are kept. */
    create(name, n = 1, bundle) {
      const type = typeOf(name);
      for (let i = 0; i < n; i++) {
        const instance = new type();
        if (bundle !== undefined) instance.setDataBundle(bundle);
        kept[name].push(instance);
      }
      return kept[name].length;
    },
    /** Lets go of the n oldest kept instances of `name` (collected at the next full GC). */
    drop(name, n = 1) {
      typeOf(name);
      kept[name].splice(0, n);
      return kept[name].length;
    },
    /** Sets the bundle of the index-th kept instance of `name`. */
    setBundle(name, index, bundle) {
      typeOf(name);
      const instance = kept[name][index];
      if (instance === undefined) throw new Error(`no kept ${name} #${index}`);
      instance.setDataBundle(bundle);
    },
    /** What the in-page Tracker counts, by type name: { live (its allocated), retired (its deallocated) }. */
    localCounts() {
      return Object.fromEntries(
        local.snapshot().types.map((t) => [t.name, { live: t.allocated, retired: t.deallocated }]),
      );
    },
    /**
     * Creates one `name` every `everyMs` until stopStream(); kept alive like create's. The
     * count so far is streamed(); stopStream() returns the final count.
     */
    startStream(name, everyMs = 5) {
      typeOf(name);
      if (stream !== null) throw new Error('a stream is running');
      stream = { count: 0, timer: setInterval(() => { window.create(name, 1); stream.count++; }, everyMs) };
    },
    streamed() {
      return stream?.count ?? 0;
    },
    stopStream() {
      if (stream === null) throw new Error('no stream');
      clearInterval(stream.timer);
      const { count } = stream;
      stream = null;
      return count;
    },
    kept,
  });
  document.documentElement.dataset.trackablesApp = 'ready';
})();

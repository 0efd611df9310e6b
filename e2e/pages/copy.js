// One copy of the agent with a small app of its own, for pages that run several copies of the
// agent (copies-*.html): `<script src="/copy.js" data-copy="A">` right after the script that set
// window.Trackables to that copy. Its API goes on window.copies[name] (typed in copies-api.ts).
(() => {
  const name = document.currentScript.dataset.copy;
  const { Trackable, PostMessageTracker, Tracker, setGlobalTracker } = window.Trackables;
  // Each copy has its own global tracker (module state), its own in-page oracle.
  const local = new Tracker();
  const tracker = new PostMessageTracker({ forward: local });
  setGlobalTracker(tracker);

  const types = {};
  const kept = {};
  const typeOf = (type) => {
    if (types[type] === undefined) {
      types[type] = class extends Trackable {};
      types[type].trackingName = type;
      kept[type] = [];
    }
    return types[type];
  };

  window.copies ??= {};
  window.copies[name] = {
    agent: window.Trackables,
    session: tracker.session,
    frame: tracker.frame,
    /** Creates n instances of `type` and keeps them; returns their serials. */
    create(type, n = 1) {
      const Type = typeOf(type);
      const serials = [];
      for (let i = 0; i < n; i++) {
        const instance = new Type();
        instance.setDataBundle({ copy: name, index: kept[type].length });
        kept[type].push(instance);
        serials.push(instance.getTrackerSerial());
      }
      return serials;
    },
    /** Lets go of the n oldest kept instances of `type`. */
    drop(type, n = 1) {
      typeOf(type);
      kept[type].splice(0, n);
    },
    trackObjects(type) {
      tracker.setObjectTracking(typeOf(type));
    },
    /** The serials of the instances `type` keeps, oldest first. */
    serials(type) {
      return (kept[type] ?? []).map((instance) => instance.getTrackerSerial());
    },
    /** Whether `instance` is one this copy keeps, with that serial. */
    keeps(type, instance) {
      return (kept[type] ?? []).includes(instance);
    },
    /** What this copy's in-page Tracker counts, by type name, in the panel's terms. */
    localCounts() {
      return Object.fromEntries(
        local.snapshot().types.map((t) => [t.name, { live: t.allocated, created: t.allocated + t.deallocated, retired: t.deallocated }]),
      );
    },
  };
})();

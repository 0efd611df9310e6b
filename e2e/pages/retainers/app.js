// Leaks held in the ways apps usually hold them, one per type, each driven from a test with
// page.evaluate(() => fixture.leak…()). Retainer path tests assert each path's steps.
import { forgetAll, remember } from './store.js';

const { Trackable, PostMessageTracker, setGlobalTracker, track, trackable, getTrackerSerial } = window.Trackables;
const tracker = new PostMessageTracker();
setGlobalTracker(tracker);

class Popup extends Trackable {}
class Handler extends Trackable {}
class Session extends Trackable {}
class View extends Trackable {
  constructor() {
    super();
    this.el = document.createElement('div');
    this.el.className = 'view';
    // The DOM node points back at its view (a framework's usual back pointer).
    this.el.__view = this;
    document.getElementById('views').append(this.el);
  }
  close() {
    // Removed from the document, but the node keeps its view and something keeps the node.
    this.el.remove();
  }
}
class Row extends Trackable {}
/** Tracked with track(this), as a MobX store would be: no Trackable anywhere in its chain. */
class TodoStore {
  constructor() {
    this.todos = [];
    track(this);
  }
}
/** Tracked by the decorator, called as a legacy decorator (plain JavaScript has no @ syntax yet). */
const Widget = trackable()(class Widget {});
class Loose extends Trackable {}

const detachedNodes = [];
let loose = null;

window.fixture = {
  /** A global array. */
  leakPopup() {
    window.__popups ??= [];
    const popup = new Popup();
    popup.setDataBundle({ i: window.__popups.length });
    window.__popups.push(popup);
    return popup.getTrackerSerial();
  },
  /** A closure in an event listener on window. */
  leakHandler() {
    const handler = new Handler();
    window.addEventListener('resize', function onResize() {
      handler.setDataBundle({ resized: true });
    });
    return handler.getTrackerSerial();
  },
  /** A closure in a click listener on a button in the document. */
  leakClickHandler() {
    const handler = new Handler();
    const button = document.createElement('button');
    button.id = 'go';
    button.textContent = 'Go';
    button.addEventListener('click', function onClick() {
      handler.setDataBundle({ clicked: true });
    });
    document.body.append(button);
    return handler.getTrackerSerial();
  },
  /** A Map in a module-level store. */
  leakSession() {
    const session = new Session();
    remember(session);
    return session.getTrackerSerial();
  },
  /** A track(this) store kept in a global array. */
  leakStore() {
    window.__stores ??= [];
    const store = new TodoStore();
    window.__stores.push(store);
    return getTrackerSerial(store);
  },
  /** A decorated class's instance and a named-type object, kept by an object's properties. */
  leakTracked() {
    const widget = new Widget();
    const series = track({ points: [] }, { type: 'Series' });
    window.__chart = { widget, series };
    return [getTrackerSerial(widget), getTrackerSerial(series)];
  },
  /** A detached DOM node pointing back at its view, kept by a list of removed nodes. */
  leakView() {
    const view = new View();
    view.close();
    detachedNodes.push(view.el);
    return view.getTrackerSerial();
  },
  /** An element (appended to the page) that holds a Row; tests take a handle to it, then remove it. */
  addRow() {
    const row = new Row();
    const el = document.createElement('p');
    el.className = 'row';
    el.textContent = `row ${row.getTrackerSerial()}`;
    el.__row = row;
    document.body.append(el);
    return row.getTrackerSerial();
  },
  removeRows() {
    for (const el of document.querySelectorAll('p.row')) el.remove();
  },
  /** One instance held by one variable the test can drop. */
  makeLoose() {
    loose = new Loose();
    return loose.getTrackerSerial();
  },
  dropLoose() {
    loose = null;
  },
  /** The loose one stops being tracked (detached) while the page still holds it. */
  detachLoose() {
    loose.setTracker(null);
  },
  current() {
    return loose;
  },
  forgetSessions: forgetAll,
  /** `count` small live objects, for benchmarks on a bigger heap. */
  fill(count) {
    window.__filler = Array.from({ length: count }, (_, i) => ({ i, label: `item ${i}` }));
  },
  /** Turns the agent's instance lookup on for Loose (what the panel's Reveal in Console uses). */
  lookUpLooseAgain() {
    tracker.setObjectTracking(Loose);
  },
};

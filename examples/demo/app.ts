/*
 * The demo app: a small to-do SPA whose own classes are trackable, with a switch that introduces
 * a real leak (a listener never removed, keeping every closed view alive). Open DevTools →
 * Trackables to watch it, or run the leak check in e2e/demo-leaks.spec.ts.
 */
import { PostMessageTracker, Trackable, Tracker, setGlobalTracker } from '../../agent/index.js';
import { mountLibraryPart } from './library-part.js';
import { mountReactPart } from './react-part.js';

const counting = new Tracker();
const tracker = new PostMessageTracker({ forward: counting });
setGlobalTracker(tracker);

type Listener = (detail: unknown) => void;

/** An app-wide event bus: where forgotten subscriptions pile up. */
class EventBus extends Trackable {
  static override trackingName = 'EventBus';
  readonly #listeners = new Map<string, Set<Listener>>();

  on(event: string, listener: Listener): Subscription {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener);
    return new Subscription(event, () => set.delete(listener));
  }

  emit(event: string, detail: unknown): void {
    for (const listener of this.#listeners.get(event) ?? []) listener(detail);
  }
}

class Subscription extends Trackable {
  static override trackingName = 'Subscription';
  readonly #unsubscribe: () => void;

  constructor(event: string, unsubscribe: () => void) {
    super();
    this.#unsubscribe = unsubscribe;
    this.setDataBundle({ event });
  }

  unsubscribe(): void {
    this.#unsubscribe();
  }
}

interface Todo {
  id: number;
  title: string;
  done: boolean;
}

class TodoItem extends Trackable {
  static override trackingName = 'TodoItem';
  constructor(readonly todo: Todo) {
    super();
    this.setDataBundle({ ...todo });
  }

  toggle(): void {
    this.todo.done = !this.todo.done;
    this.setDataBundle({ ...this.todo });
  }
}

class TodoStore extends Trackable {
  static override trackingName = 'TodoStore';
  items: TodoItem[] = [];
  #nextId = 1;

  constructor(private readonly bus: EventBus) {
    super();
  }

  add(count: number): void {
    for (let i = 0; i < count; i++) {
      const id = this.#nextId++;
      this.items.push(new TodoItem({ id, title: `Task ${id}`, done: false }));
    }
    this.setDataBundle({ items: this.items.length });
    this.bus.emit('changed', this.items.length);
  }

  clear(): void {
    this.items = [];
    this.setDataBundle({ items: 0 });
    this.bus.emit('changed', 0);
  }
}

/** The to-do list view: created when its route opens, dropped when it closes. */
class TodoView extends Trackable {
  static override trackingName = 'TodoView';
  readonly #subscriptions: Subscription[] = [];
  readonly element: HTMLElement;

  constructor(private readonly store: TodoStore, bus: EventBus, leak: boolean) {
    super();
    this.element = document.createElement('section');
    this.#subscriptions.push(bus.on('changed', () => this.render()));
    // The leak: a listener on a long-lived object that nobody removes holds the view forever.
    if (leak) bus.on('changed', () => this.render());
    this.setDataBundle({ opened: new Date().toISOString(), leak });
    this.render();
  }

  render(): void {
    const open = this.store.items.filter((item) => !item.todo.done).length;
    this.element.innerHTML = `<h2>To-dos</h2><p data-testid="open-count">${open} open of ${this.store.items.length}</p>`;
    const list = document.createElement('ul');
    for (const item of this.store.items.slice(0, 50)) {
      const entry = document.createElement('li');
      entry.textContent = `${item.todo.done ? '✔' : '○'} ${item.todo.title}`;
      entry.addEventListener('click', () => item.toggle());
      list.append(entry);
    }
    this.element.append(list);
  }

  close(): void {
    for (const subscription of this.#subscriptions) subscription.unsubscribe();
    this.element.remove();
  }
}

class AboutView extends Trackable {
  static override trackingName = 'AboutView';
  readonly element = document.createElement('section');
  constructor() {
    super();
    this.element.innerHTML = '<h2>About</h2><p>Trackables demo: open DevTools → Trackables.</p>';
  }
  close(): void {
    this.element.remove();
  }
}

// A leaked view is the one to look at: the panel can reveal views in the Console, and the dump lists them.
tracker.setObjectTracking(TodoView);

const bus = new EventBus();
const store = new TodoStore(bus);
const outlet = document.querySelector<HTMLElement>('#outlet')!;
const dump = document.querySelector<HTMLElement>('#dump')!;
let view: TodoView | AboutView | null = null;
let leak = new URLSearchParams(location.search).has('leak');

function open(route: 'todos' | 'about'): void {
  view?.close();
  view = route === 'todos' ? new TodoView(store, bus, leak) : new AboutView();
  outlet.append(view.element);
}

function bind(id: string, action: () => void): void {
  document.getElementById(id)!.addEventListener('click', action);
}

bind('add', () => store.add(100));
bind('clear', () => store.clear());
bind('todos', () => open('todos'));
bind('about', () => open('about'));
const leakBox = document.getElementById('leak') as HTMLInputElement;
leakBox.checked = leak;
leakBox.addEventListener('change', () => (leak = leakBox.checked));
setInterval(() => (dump.textContent = counting.dump()), 500);

/** What tests and the console drive: the same actions as the buttons. */
Object.assign(window, {
  demo: {
    open,
    add: (count: number) => store.add(count),
    clear: () => store.clear(),
    setLeak: (on: boolean) => {
      leak = on;
      leakBox.checked = on;
    },
    /** One round trip through the to-do route: what a leak check repeats. */
    visitTodos: () => {
      open('todos');
      store.add(10);
      store.clear();
      open('about');
    },
  },
});

open('todos');
mountReactPart(document.getElementById('react-root')!);
mountLibraryPart(document.getElementById('library-root')!);

/*
 * The demo's React part: function components tracked with `useTrackable`, in StrictMode, with a
 * leak switch of their own (a `window` listener the effect never removes).
 */
import { StrictMode, Suspense, startTransition, use, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { setDataBundle } from '../../agent/index.js';
import { useTrackable } from '../../agent/react/index.js';

/** Shows the window's width; with `leak`, its resize listener is never removed. */
function WindowWidth({ leak }: { leak: boolean }) {
  const [width, setWidth] = useState(window.innerWidth);
  const self = useTrackable('WindowWidth', { width, leak });
  useEffect(() => {
    // React 19 drops an unmounted component's state even while a listener still holds its
    // setState, so what a leaked listener keeps is what it captured: here the tracked object,
    // whose bundle it updates.
    const onResize = () => {
      setWidth(window.innerWidth);
      setDataBundle(self, { width: window.innerWidth, leak });
    };
    window.addEventListener('resize', onResize);
    return leak ? undefined : () => window.removeEventListener('resize', onResize);
  }, [leak, self]);
  return <p>Window width: {width}px</p>;
}

/** Suspends until `text` resolves: React throws its first renders away, tracking nothing for them. */
function SlowText({ text }: { text: Promise<string> }) {
  useTrackable('SlowText');
  return <p>Slow text: {use(text)}</p>;
}

function later(text: string, ms: number): Promise<string> {
  return new Promise((resolve) => setTimeout(() => resolve(text), ms));
}

function Panel() {
  const [slow, setSlow] = useState<Promise<string> | null>(null);
  const [open, setOpen] = useState(true);
  const [leak, setLeak] = useState(new URLSearchParams(location.search).has('react-leak'));
  useTrackable('ReactPanel');
  // What tests and the console drive: the same actions as the controls.
  useEffect(() => {
    Object.assign(window, {
      reactDemo: {
        setOpen,
        setLeak,
        /** Shows a component that suspends for `ms`, in a transition (no fallback) or not. */
        loadSlow: (text: string, ms: number, transition: boolean) => {
          if (transition) startTransition(() => setSlow(later(text, ms)));
          else setSlow(later(text, ms));
        },
        closeSlow: () => setSlow(null),
      },
    });
  }, []);
  return (
    <section>
      <button onClick={() => setOpen((was) => !was)}>{open ? 'Hide width' : 'Show width'}</button>
      <label>
        <input type="checkbox" checked={leak} onChange={(event) => setLeak(event.target.checked)} /> leak unmounted
        components (window listener never removed)
      </label>
      {open && <WindowWidth leak={leak} />}
      {slow && (
        <Suspense fallback={<p>Loading…</p>}>
          <SlowText text={slow} />
        </Suspense>
      )}
    </section>
  );
}

/** Renders the React part into `element`, after app.ts set the global tracker. */
export function mountReactPart(element: HTMLElement): void {
  createRoot(element).render(
    <StrictMode>
      <Panel />
    </StrictMode>,
  );
}

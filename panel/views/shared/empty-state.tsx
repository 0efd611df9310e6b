/** What to do when there is nothing to show: no agent reported from the inspected page, or (viewer) no recording opened. */
export function EmptyState({ viewer }: { viewer: boolean }) {
  if (viewer) {
    return (
      <section className="empty" aria-labelledby="empty-title">
        <h2 id="empty-title">No recording opened</h2>
        <p>
          Open a Trackables recording (a <code>.json</code> file written by the panel's Export, <code>npm run record</code> or{' '}
          <code>attachTrackables(page).record()</code>) with Import, or drop it here.
        </p>
      </section>
    );
  }
  return (
    <section className="empty" aria-labelledby="empty-title">
      <h2 id="empty-title">No Trackables agent seen on this page yet</h2>
      <p>
        The panel shows objects of classes that extend <code>Trackable</code> (or use <code>trackableMixin</code>), reported by a
        <code> PostMessageTracker</code>. Set it as the global tracker early in your app, before the objects you want to see are
        created:
      </p>
      <pre>
        <code>{`import { PostMessageTracker, setGlobalTracker } from 'trackables';

setGlobalTracker(new PostMessageTracker());`}</code>
      </pre>
      <p>Then reload the page. Each page load becomes a session here; earlier sessions stay available in the session list.</p>
    </section>
  );
}

/** What to do when no agent has reported from the inspected page. */
export function EmptyState() {
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

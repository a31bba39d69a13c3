import { Button } from 'react-aria-components';
import type { EnvironmentList } from '../../../shared/src/platformService.ts';
import { HostsSection, type HostActions } from '../hosts/HostsSection.tsx';
import { ImportButton } from '../imports/ImportDialog.tsx';
import { InlineError } from '../ui/fields.tsx';
import { EnvironmentItem, type NodeActions } from './EnvironmentItem.tsx';
import type { EnvironmentChanges } from './useEnvironmentChanges.ts';

/** The environments of the account, or why they are not there, and the way to the gateway menu. */
export function Sidebar(props: {
  list: EnvironmentList | null;
  error: string | undefined;
  loading: boolean;
  onRefresh: () => void;
  onOpenMenu: () => void;
  actions: NodeActions;
  changes: EnvironmentChanges;
  hostActions: HostActions;
}) {
  const { list } = props;
  return (
    <nav className="sidebar" aria-label="Environments">
      <div className="sidebar-head">
        <h2>Environments</h2>
        <Button
          aria-label="Refresh environments"
          className="react-aria-Button icon"
          onPress={props.onRefresh}
        >
          ↻
        </Button>
      </div>
      <Button className="react-aria-Button wide" onPress={props.onOpenMenu}>
        Open gateway menu
      </Button>
      {list?.offline && (
        <p className="offline" role="status">
          Offline — the platform cannot be reached. Showing the list from{' '}
          {new Date(list.fetchedAt).toLocaleString()}.
        </p>
      )}
      <InlineError message={props.error} />
      {props.loading && !list && <p className="muted">Loading environments…</p>}
      {list && list.environments.length === 0 && (
        <p className="muted">No environments yet: create one in the dashboard, then refresh.</p>
      )}
      {list?.environments.map((env) => (
        <EnvironmentItem key={env.envName} env={env} actions={props.actions} changes={props.changes} />
      ))}
      <HostsSection actions={props.hostActions} importButton={<ImportButton />} />
    </nav>
  );
}

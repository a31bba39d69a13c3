import { Button } from 'react-aria-components';
import './panes.css';
import type { Environment, PlatformNode } from '../../../shared/src/platform.ts';

/**
 * "Open a terminal on every node" of a node group or an environment: one tab, one pane per node
 * (then broadcast types into all of them). Offered from two nodes on.
 */
export function OpenEveryNode(props: {
  env: Environment;
  nodes: PlatformNode[];
  /** The group's heading, or undefined for the whole environment. */
  group?: string;
  enterable: boolean;
  onOpen: (env: Environment, nodes: PlatformNode[], title: string) => void;
}) {
  const { env, nodes, group } = props;
  if (nodes.length < 2) return null;
  const where = group ? `${group} in ${env.envName}` : env.envName;
  return (
    <Button
      aria-label={`Open a terminal on every node of ${where}`}
      isDisabled={!props.enterable}
      onPress={() => props.onOpen(env, nodes, `${group ?? 'All nodes'} · ${env.envName}`)}
      className="react-aria-Button icon"
    >
      {/* No letters or digits: the name says it all, and what is shown must be part of the name. */}
      <span title={`A terminal on each of the ${nodes.length} nodes, in one tab`}>&gt;_&gt;_</span>
    </Button>
  );
}

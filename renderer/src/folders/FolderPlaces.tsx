import { useEffect, useState } from 'react';
import { Breadcrumb, Breadcrumbs, Button, Link } from 'react-aria-components';
import type { LocalPlace, LocalPlaces } from '../../../shared/src/localFolders.ts';
import { useCore } from '../host/HostContext.tsx';

/**
 * The chooser's side: the user's usual folders and the computer's roots (drive letters on Windows,
 * mounted volumes on a Mac). Asked for apart from the listing, since a drive letter may be slow to
 * answer; the side fills in when it comes.
 */
export function FolderPlaces(props: { current: string | undefined; onOpen: (path: string) => void }) {
  const core = useCore();
  const [places, setPlaces] = useState<LocalPlaces>();
  useEffect(() => {
    let live = true;
    core.localFolders.places().then(
      (found) => live && setPlaces(found),
      () => undefined, // The side stays empty; the list, the breadcrumb and the path field still work.
    );
    return () => {
      live = false;
    };
  }, [core]);

  const group = (label: string, items: LocalPlace[]) =>
    items.length > 0 && (
      <div role="group" aria-label={label} className="folder-places-group">
        <h3 aria-hidden="true">{label}</h3>
        {items.map((place) => (
          <Button
            key={place.path}
            className="react-aria-Button folder-place"
            aria-current={place.path === props.current ? 'location' : undefined}
            aria-label={`${label === 'Places' ? place.name : `Computer ${place.name}`}`}
            onPress={() => props.onOpen(place.path)}
          >
            {place.name}
          </Button>
        ))}
      </div>
    );

  return (
    <nav className="folder-places" aria-label="Places on this computer">
      {places && group('Places', places.places)}
      {places && group('Computer', places.roots)}
    </nav>
  );
}

/** Up, and the folder's path as breadcrumbs to open any folder above it. */
export function FolderTrail(props: {
  trail: LocalPlace[];
  parent: string | null;
  onOpen: (path: string) => void;
}) {
  return (
    <div className="folder-trail">
      <Button
        aria-label="Up to the folder above"
        isDisabled={props.parent === null}
        onPress={() => props.parent && props.onOpen(props.parent)}
      >
        ↑
      </Button>
      <Breadcrumbs className="crumbs" onAction={(key) => props.onOpen(String(key))}>
        {props.trail.map((crumb) => (
          <Breadcrumb key={crumb.path} id={crumb.path}>
            <Link>{crumb.name}</Link>
          </Breadcrumb>
        ))}
      </Breadcrumbs>
    </div>
  );
}

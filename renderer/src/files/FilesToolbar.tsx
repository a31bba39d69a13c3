import type { ReactNode } from 'react';
import {
  Breadcrumb,
  Breadcrumbs,
  Button,
  FileTrigger,
  Form,
  Input,
  Link,
  Menu,
  MenuTrigger,
  Popover,
  TextField,
} from 'react-aria-components';
import { pickedEntries, type DroppedEntry } from '../host/droppedEntries.ts';
import { crumbsOf, parentOf } from './remotePath.ts';

/**
 * The file pane's toolbar: up, home, refresh, upload files or a folder (picked), download, edit in
 * the user's editor, new folder, and the rest of the file actions in a menu.
 */
export function FilesToolbar(props: {
  place: string;
  /** The folder shown, none while the first listing loads. */
  path: string | undefined;
  canDownload: boolean;
  /** One file is selected: "Edit" opens it in the user's editor. */
  canEdit: boolean;
  /** `fileActionItems`, for the "More file actions" menu. */
  menuItems: ReactNode;
  onOpen: (path: string) => Promise<void>;
  onHome: () => Promise<void>;
  onRefresh: () => Promise<void>;
  onUpload: (folder: string, entries: DroppedEntry[]) => Promise<void>;
  /** Runs a file action by its menu key. */
  onAction: (key: string) => void;
}) {
  const { path, onUpload, onAction } = props;
  return (
    <div className="files-toolbar" role="toolbar" aria-label={`File actions on ${props.place}`}>
      <Button
        aria-label="Up"
        onPress={() => path && void props.onOpen(parentOf(path))}
        isDisabled={!path || path === '/'}
      >
        ↑
      </Button>
      <Button aria-label="Home" onPress={() => void props.onHome()}>
        ⌂
      </Button>
      <Button aria-label="Refresh" onPress={() => void props.onRefresh()}>
        ↻
      </Button>
      <FileTrigger
        allowsMultiple
        onSelect={(files) => files && path && void onUpload(path, pickedEntries(files))}
      >
        <Button>Upload files</Button>
      </FileTrigger>
      <FileTrigger
        acceptDirectory
        onSelect={(files) => files && path && void onUpload(path, pickedEntries(files))}
      >
        <Button>Upload folder</Button>
      </FileTrigger>
      <Button onPress={() => onAction('download')} isDisabled={!props.canDownload}>
        Download
      </Button>
      <Button onPress={() => onAction('openInEditor')} isDisabled={!props.canEdit}>
        Edit
      </Button>
      <Button onPress={() => onAction('mkdir')}>New folder</Button>
      <MenuTrigger>
        <Button aria-label="More file actions">⋯</Button>
        <Popover placement="bottom end">
          <Menu onAction={(key) => onAction(String(key))}>{props.menuItems}</Menu>
        </Popover>
      </MenuTrigger>
    </div>
  );
}

/**
 * Where the pane is: the folder's path as breadcrumbs to open any folder above it, and a location
 * field to type a path into.
 */
export function FolderLocation(props: {
  path: string | undefined;
  location: string;
  onLocationChange: (location: string) => void;
  onOpen: (path: string) => Promise<void>;
}) {
  const { location, onOpen } = props;
  return (
    <div className="files-location">
      <Breadcrumbs className="crumbs" onAction={(key) => void onOpen(String(key))}>
        {crumbsOf(props.path ?? '/').map((crumb) => (
          <Breadcrumb key={crumb.path} id={crumb.path}>
            <Link>{crumb.name}</Link>
          </Breadcrumb>
        ))}
      </Breadcrumbs>
      <Form
        className="location"
        onSubmit={(event) => {
          event.preventDefault();
          if (location.trim()) void onOpen(location.trim());
        }}
      >
        <TextField
          aria-label="Location"
          value={location}
          onChange={props.onLocationChange}
          className="location-field"
        >
          <Input />
        </TextField>
      </Form>
    </div>
  );
}

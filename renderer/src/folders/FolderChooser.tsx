import { useState } from 'react';
import { Button, Checkbox, Form, FormContext } from 'react-aria-components';
import { ModalDialog } from '../ui/dialogs.tsx';
import { Field, InlineError } from '../ui/fields.tsx';
import { FolderList } from './FolderList.tsx';
import { FolderPlaces, FolderTrail } from './FolderPlaces.tsx';
import { NewFolderForm } from './NewFolderForm.tsx';
import { useFolderListing } from './useFolderListing.ts';

/**
 * The browser host's folder chooser, over the folders of the computer the core runs on (a browser
 * page can name no local folder itself): places and drives, the folder's breadcrumb and Up, its
 * sub-folders (hidden ones on request), a path field to type or paste into, and New folder. "Choose"
 * takes the highlighted folder, or else the folder shown, and says which.
 */
export function FolderChooser(props: {
  title: string;
  start: string;
  onChoose: (path: string) => void;
  onCancel: () => void;
}) {
  const { listing, error, loading, open } = useFolderListing(props.start);
  const [active, setActive] = useState<string>();
  const [showHidden, setShowHidden] = useState(false);
  const [making, setMaking] = useState(false);
  const [typed, setTyped] = useState<string>();

  const go = async (path: string) => {
    if (await open(path)) {
      setActive(undefined);
      setTyped(undefined);
      setMaking(false);
    }
  };
  const folders = (listing?.folders ?? []).filter((f) => showHidden || !f.hidden || f.path === active);
  const hiddenCount = (listing?.folders.length ?? 0) - folders.length;
  const chosen = active ?? listing?.path;
  const chosenName =
    listing && (listing.folders.find((f) => f.path === chosen)?.name ?? listing.trail.at(-1)?.name);

  // The chooser opens from inside another dialog's form, whose props (its onSubmit among them)
  // react-aria hands every Form below it through FormContext: its own forms take none of them.
  return (
    <FormContext.Provider value={null}>
      <ModalDialog
        title={props.title}
        onClose={props.onCancel}
        modalClass="folder-modal"
        dialogClass="folder-chooser"
      >
        <div className="folder-chooser-body">
          <FolderPlaces current={listing?.path} onOpen={(path) => void go(path)} />
          <div className="folder-main">
            {listing && (
              <FolderTrail trail={listing.trail} parent={listing.parent} onOpen={(path) => void go(path)} />
            )}
            <FolderList
              label={listing ? `Folders in ${listing.path}` : 'Folders'}
              path={listing?.path}
              folders={folders}
              active={active}
              onActive={setActive}
              onOpen={(path) => void go(path)}
              onUp={() => listing?.parent && void go(listing.parent)}
              loading={loading}
            />
            <div className="row folder-options">
              <Checkbox isSelected={showHidden} onChange={setShowHidden} className="checkbox">
                <div className="box" aria-hidden="true" /> Show hidden folders
                {hiddenCount > 0 && !showHidden && ` (${hiddenCount})`}
              </Checkbox>
              <span className="spacer" />
              {!making && (
                <Button onPress={() => setMaking(true)} isDisabled={!listing}>
                  New folder
                </Button>
              )}
            </div>
            {making && listing && (
              <NewFolderForm
                parent={listing.path}
                onMade={(path) => void go(path)}
                onCancel={() => setMaking(false)}
              />
            )}
            <Form
              onSubmit={(event) => {
                event.preventDefault();
                event.stopPropagation();
                if (typed?.trim()) void go(typed.trim());
              }}
            >
              <Field
                label="Folder"
                value={typed ?? listing?.path ?? ''}
                onChange={setTyped}
                description="Type or paste a full path and press Enter to open it."
              />
            </Form>
            <InlineError message={error} />
          </div>
        </div>
        <div className="row end">
          <Button onPress={props.onCancel}>Cancel</Button>
          <Button
            className="react-aria-Button primary"
            isDisabled={!chosen || loading}
            onPress={() => chosen && props.onChoose(chosen)}
          >
            {chosenName ? `Choose “${chosenName}”` : 'Choose'}
          </Button>
        </div>
      </ModalDialog>
    </FormContext.Provider>
  );
}

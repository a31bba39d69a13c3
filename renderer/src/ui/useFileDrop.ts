import { useRef, useState, type DragEvent } from 'react';
import { droppedEntries, type DroppedEntry } from '../host/droppedEntries.ts';

const hasFiles = (event: DragEvent) => [...event.dataTransfer.types].includes('Files');

/**
 * Makes an element a drop target for files from the desktop (the Keys page, a file pane):
 * `dragging` while files are held over it (enter and leave counted, since they fire for every child
 * crossed), `onOver` with the element under the pointer as it moves, and the dropped entries handed
 * on with the element they were dropped on. Drags of anything else (text, the tab strip's tabs) are
 * left alone.
 */
export function useFileDrop(
  onDrop: (entries: DroppedEntry[], droppedOn: EventTarget | null) => void,
  onError: (error: unknown) => void,
  onOver?: (under: EventTarget | null) => void,
) {
  const [dragging, setDragging] = useState(false);
  const depth = useRef(0);
  const handlers = {
    onDragEnter: (event: DragEvent) => {
      if (!hasFiles(event)) return;
      depth.current += 1;
      setDragging(true);
    },
    onDragLeave: (event: DragEvent) => {
      if (!hasFiles(event)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setDragging(false);
    },
    onDragOver: (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
      onOver?.(event.target);
    },
    onDrop: (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth.current = 0;
      setDragging(false);
      const droppedOn = event.target;
      // Taken during the event: the DataTransfer is emptied once it returns.
      droppedEntries(event.dataTransfer).then((entries) => onDrop(entries, droppedOn), onError);
    },
  };
  return { dragging, handlers };
}

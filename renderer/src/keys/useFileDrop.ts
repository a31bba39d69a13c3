import { useRef, useState, type DragEvent } from 'react';
import { droppedEntries, type DroppedEntry } from '../host/droppedEntries.ts';

const hasFiles = (event: DragEvent) => [...event.dataTransfer.types].includes('Files');

/**
 * Makes an element a drop target for files from the desktop: `dragging` while files are held over
 * it (enter and leave counted, since they fire for every child crossed), and the dropped entries
 * handed on. Drags of anything else (text, the tab strip's tabs) are left alone.
 */
export function useFileDrop(onDrop: (entries: DroppedEntry[]) => void, onError: (error: unknown) => void) {
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
    },
    onDrop: (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth.current = 0;
      setDragging(false);
      // Taken during the event: the DataTransfer is emptied once it returns.
      droppedEntries(event.dataTransfer).then(onDrop, onError);
    },
  };
  return { dragging, handlers };
}

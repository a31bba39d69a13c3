import { createContext, useContext } from 'react';
import {
  Button,
  UNSTABLE_Toast as Toast,
  UNSTABLE_ToastContent as ToastContent,
  UNSTABLE_ToastQueue as ToastQueue,
  UNSTABLE_ToastRegion as ToastRegion,
  Text,
} from 'react-aria-components';

export interface Notice {
  title: string;
  description?: string;
  tone: 'info' | 'error';
}

/** Toasts: short notices, and errors that belong to no single screen, with what to do about them. */
export class Notifier {
  readonly queue = new ToastQueue<Notice>({ maxVisibleToasts: 4 });

  info(title: string, description?: string): void {
    this.queue.add({ title, tone: 'info', ...(description ? { description } : {}) }, { timeout: 4000 });
  }

  error(title: string, description?: string): void {
    // Errors stay until dismissed: the user may need to read the fix.
    this.queue.add({ title, tone: 'error', ...(description ? { description } : {}) });
  }
}

export const NotifierContext = createContext<Notifier | null>(null);

export function useNotifier(): Notifier {
  const notifier = useContext(NotifierContext);
  if (!notifier) throw new Error('useNotifier outside <NotifierContext>');
  return notifier;
}

export function Toasts({ notifier }: { notifier: Notifier }) {
  return (
    <ToastRegion queue={notifier.queue} className="toasts">
      {({ toast }) => (
        <Toast toast={toast} className={`toast toast-${toast.content.tone}`}>
          <ToastContent>
            <Text slot="title">{toast.content.title}</Text>
            {toast.content.description && <Text slot="description">{toast.content.description}</Text>}
          </ToastContent>
          <Button slot="close" aria-label="Dismiss">
            ×
          </Button>
        </Toast>
      )}
    </ToastRegion>
  );
}

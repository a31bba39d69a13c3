import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';

/**
 * Renders its children only where they are part of the page. The workbench's tab panels are
 * children of react-aria's `<Tabs>`, which renders its children a second time into a `<template>`
 * to build its collection of tabs. A react-aria collection there (a Table, a Menu) would add its
 * own items to the tabs' collection, and the tab strip then fails on them ("reading 'collection'");
 * effects there would also run twice (two loads of the same list). In that copy this renders
 * nothing: a `<template>`'s content is never connected to the document.
 */
export function InDocument({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [connected, setConnected] = useState(false);
  useLayoutEffect(() => setConnected(ref.current?.isConnected ?? false), []);
  return (
    <div ref={ref} className="in-document">
      {connected ? children : null}
    </div>
  );
}

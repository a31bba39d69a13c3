/** The dashboard's names for Jelastic's standard node groups (the menu's group headings). */
const DISPLAY_NAMES: Record<string, string> = {
  bl: 'Balancers',
  cp: 'Application Servers',
  sqldb: 'Databases',
  nosqldb: 'NoSQL Databases',
  cache: 'Cache',
  storage: 'Storage',
  vds: 'VPS',
  build: 'Build Node',
  extra: 'Extra',
};

export function nodeGroupDisplayName(nodeGroup: string): string {
  return DISPLAY_NAMES[nodeGroup] ?? nodeGroup;
}

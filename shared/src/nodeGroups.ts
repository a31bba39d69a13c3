/** The dashboard's headings for Jelastic's standard node groups. */
const NAMES: Record<string, string> = {
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

export function nodeGroupName(nodeGroup: string): string {
  return NAMES[nodeGroup] ?? nodeGroup;
}

/** Database node types the app can import SQL into and export from. */
export function isDatabaseNodeType(nodeType: string): boolean {
  return /^(mariadb|mysql|percona|postgres(ql)?)/i.test(nodeType);
}

export interface CoreProcessOptions {
    /** The app's data folder: keys, known_hosts, settings. */
    dataDir: string;
    keychainService: string | undefined;
    /** Start the embedded sandbox and offer it as a platform. */
    sandbox: boolean;
}
/** What main passes when it forks the core: `--data-dir DIR [--keychain-service NAME] [--sandbox]`. */
export declare function parseCoreProcessArgs(argv: string[]): CoreProcessOptions;
/** What main tells the core process over its parent port. */
export type CoreProcessCommand = {
    kind: 'connect';
} | {
    kind: 'stop';
} | {
    kind: 'activity';
};
/** The core's answer to `activity`: what closing the window would end. */
export interface CoreActivity {
    kind: 'activity';
    terminals: number;
    transfers: number;
}
export declare function isCoreProcessCommand(value: unknown): value is CoreProcessCommand;

/**
 * A recording stand-in for the `electron` module, enough to load dist/app/main.cjs under
 * plain Node in tests (the real Electron binary cannot run on the build machine). It
 * implements only what main.ts calls and records every call for the assertions.
 */
import { EventEmitter } from 'node:events';

export interface FakeFrame {
  url: string;
}

export class FakeWebContents extends EventEmitter {
  private static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  readonly mainFrame: FakeFrame = { url: '' };
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  readonly posted: Array<{ channel: string; message: unknown; ports: unknown[] }> = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  destroyed = false;

  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  postMessage(channel: string, message: unknown, ports: unknown[] = []): void {
    this.posted.push({ channel, message, ports });
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isLoading(): boolean {
    return false;
  }
  reload(): void {}
}

export class FakeUtilityProcess extends EventEmitter {
  private static nextPid = 1000;
  readonly pid = FakeUtilityProcess.nextPid++;
  readonly messages: Array<{ message: unknown; ports: unknown[] }> = [];
  killed = false;
  constructor(
    readonly modulePath: string,
    readonly options: unknown,
  ) {
    super();
  }
  postMessage(message: unknown, ports: unknown[] = []): void {
    this.messages.push({ message, ports });
  }
  kill(): boolean {
    this.killed = true;
    return true;
  }
}

/** Builds a fresh fake module and the log of what main did with it. */
export function createFakeElectron(options: { userData: string; hasLock?: boolean }) {
  const record = {
    privilegedSchemes: [] as unknown[],
    /** Chromium switches main.ts appended (app.commandLine.appendSwitch). */
    switches: [] as string[],
    protocolHandlers: new Map<string, (request: { url: string }) => Promise<Response>>(),
    windows: [] as FakeBrowserWindow[],
    forks: [] as FakeUtilityProcess[],
    menus: [] as unknown[],
    messageBoxes: [] as unknown[],
    messageBoxResponse: 2,
    openDialogResult: { canceled: true, filePaths: [] as string[] },
    saveDialogResult: { canceled: true } as { canceled: boolean; filePath?: string },
    saveDialogOptions: [] as unknown[],
    openedExternally: [] as string[],
    permissionRequestHandler: null as null | ((...args: unknown[]) => void),
    quitCalls: 0,
  };

  class FakeBrowserWindow extends EventEmitter {
    readonly webContents = new FakeWebContents();
    loadedUrl: string | null = null;
    shown = false;
    closed = false;
    constructor(readonly options: Record<string, unknown>) {
      super();
      record.windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
    static getFocusedWindow(): FakeBrowserWindow | null {
      return null;
    }
    static getAllWindows(): FakeBrowserWindow[] {
      return record.windows.filter((window) => !window.closed);
    }
    async loadURL(url: string): Promise<void> {
      this.loadedUrl = url;
      this.webContents.mainFrame.url = url;
    }
    show(): void {
      this.shown = true;
    }
    /** Like Electron: emits a preventable `close`, then `closed`. */
    close(): void {
      let prevented = false;
      this.emit('close', { preventDefault: () => (prevented = true) });
      if (prevented) return;
      this.closed = true;
      this.emit('closed');
    }
    isDestroyed(): boolean {
      return this.closed;
    }
    isMinimized(): boolean {
      return false;
    }
    restore(): void {}
    focus(): void {}
    setDocumentEdited(): void {}
  }

  let resolveReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));
  const app = Object.assign(new EventEmitter(), {
    name: 'CNN Studio',
    isPackaged: false,
    requestSingleInstanceLock: () => options.hasLock ?? true,
    whenReady: () => ready,
    getPath: (name: string) => (name === 'userData' ? options.userData : `/fake/${name}`),
    quit: () => {
      record.quitCalls++;
    },
    commandLine: { appendSwitch: (name: string) => record.switches.push(name) },
  });

  const ipcMain = Object.assign(new EventEmitter(), {
    handlers: new Map<string, (event: unknown, ...args: unknown[]) => unknown>(),
    handle(channel: string, handler: (event: unknown, ...args: unknown[]) => unknown) {
      this.handlers.set(channel, handler);
    },
  });

  let channelCount = 0;
  const electron = {
    app,
    ipcMain,
    BrowserWindow: FakeBrowserWindow,
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => record.privilegedSchemes.push(...schemes),
      handle: (scheme: string, handler: (request: { url: string }) => Promise<Response>) =>
        record.protocolHandlers.set(scheme, handler),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: (...args: unknown[]) => void) => {
          record.permissionRequestHandler = handler;
        },
        setPermissionCheckHandler: () => {},
        webRequest: { onHeadersReceived: () => {} },
      },
    },
    Menu: {
      buildFromTemplate: (template: unknown) => template,
      setApplicationMenu: (menu: unknown) => record.menus.push(menu),
    },
    shell: {
      openExternal: async (url: string) => {
        record.openedExternally.push(url);
      },
    },
    dialog: {
      showMessageBox: async (_window: unknown, box: unknown) => {
        record.messageBoxes.push(box);
        return { response: record.messageBoxResponse };
      },
      showOpenDialog: async () => record.openDialogResult,
      showSaveDialog: async (_window: unknown, dialogOptions: unknown) => {
        record.saveDialogOptions.push(dialogOptions);
        return record.saveDialogResult;
      },
      showErrorBox: () => {},
    },
    utilityProcess: {
      fork: (modulePath: string, _args: string[], forkOptions: unknown) => {
        const child = new FakeUtilityProcess(modulePath, forkOptions);
        record.forks.push(child);
        return child;
      },
    },
    MessageChannelMain: class {
      readonly port1: { name: string };
      readonly port2: { name: string };
      constructor() {
        channelCount++;
        this.port1 = { name: `port1-${channelCount}` };
        this.port2 = { name: `port2-${channelCount}` };
      }
    },
  };

  return { electron, record, app, ipcMain, ready: () => resolveReady() };
}

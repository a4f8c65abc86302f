// Debugger.Utility.FileSystem (docs/jsprovider.md §Debugger.Utility), in memory. Tests read what the script wrote through
// MockFileSystem.files()/read(). Paths are case-insensitive (Windows) and kept as first written.
// Our choices: WriteLine appends "\n"; CreateFile's default disposition is "CreateAlways";
// TempDirectory is C:\Users\mock\AppData\Local\Temp, CurrentDirectory C:\mock.
import type { Realm } from './realm';

export const TEMP_DIRECTORY = 'C:\\Users\\mock\\AppData\\Local\\Temp';
export const CURRENT_DIRECTORY = 'C:\\mock';

export class MockFileSystem {
  private entries = new Map<string, { path: string; content: string }>();
  private tempCounter = 0;

  read(path: string): string | undefined {
    return this.entries.get(path.toLowerCase())?.content;
  }

  write(path: string, content: string): void {
    const e = this.entries.get(path.toLowerCase());
    if (e) e.content = content;
    else this.entries.set(path.toLowerCase(), { path, content });
  }

  exists(path: string): boolean {
    return this.entries.has(path.toLowerCase());
  }

  delete(path: string): boolean {
    return this.entries.delete(path.toLowerCase());
  }

  /** Every file: path → content. */
  files(): Record<string, string> {
    return Object.fromEntries([...this.entries.values()].map((e) => [e.path, e.content]));
  }

  /** The script-facing Debugger.Utility.FileSystem object. */
  api(realm: Realm, count: (name: string) => void): object {
    const fs = this;
    const files = new WeakMap<object, string>();
    const fileObject = (path: string) => {
      let open = true;
      const f = {
        get Path() { return path; },
        Close() { open = false; },
        get IsOpen() { return open; },
      };
      files.set(f, path);
      return f;
    };
    const pathOf = (x: unknown, what: string): string => {
      if (typeof x === 'string') return x;
      const p = typeof x === 'object' && x !== null ? files.get(x) : undefined;
      if (p === undefined) throw new realm.TypeError(`${what}: expected a file object or a path`);
      return p;
    };
    const createFile = (path: unknown, disposition: unknown = 'CreateAlways') => {
      if (typeof path !== 'string') throw new realm.TypeError('CreateFile: expected a path');
      switch (disposition) {
        case 'CreateAlways': fs.write(path, ''); break;
        case 'CreateNew':
          if (fs.exists(path)) throw new realm.Error(`CreateFile: '${path}' already exists`);
          fs.write(path, '');
          break;
        case 'OpenExisting':
          if (!fs.exists(path)) throw new realm.Error(`CreateFile: '${path}' does not exist`);
          break;
        case 'OpenAlways': if (!fs.exists(path)) fs.write(path, ''); break;
        default: throw new realm.Error(`CreateFile: unknown disposition '${String(disposition)}'`);
      }
      return fileObject(path);
    };
    const api = {
      get TempDirectory() { count('FileSystem.TempDirectory'); return TEMP_DIRECTORY; },
      get CurrentDirectory() { count('FileSystem.CurrentDirectory'); return CURRENT_DIRECTORY; },
      FileExists(path: unknown) { count('FileSystem.FileExists'); return fs.exists(String(path)); },
      CreateFile(path: unknown, disposition?: unknown) { count('FileSystem.CreateFile'); return createFile(path, disposition); },
      OpenFile(path: unknown) { count('FileSystem.OpenFile'); return createFile(path, 'OpenExisting'); },
      CreateTempFile() {
        count('FileSystem.CreateTempFile');
        return createFile(`${TEMP_DIRECTORY}\\mock${++fs.tempCounter}.tmp`, 'CreateNew');
      },
      DeleteFile(path: unknown) {
        count('FileSystem.DeleteFile');
        if (!fs.delete(String(path))) throw new realm.Error(`DeleteFile: '${String(path)}' does not exist`);
      },
      CreateTextWriter(file: unknown, _encoding?: unknown) {
        count('FileSystem.CreateTextWriter');
        const path = typeof file === 'string' ? (createFile(file), file) : pathOf(file, 'CreateTextWriter');
        let open = true;
        const append = (s: string) => {
          if (!open) throw new realm.Error('TextWriter: the writer is closed');
          fs.write(path, (fs.read(path) ?? '') + s);
        };
        return {
          Write(...a: unknown[]) { append(a.map(String).join('')); },
          WriteLine(...a: unknown[]) { append(a.map(String).join('') + '\n'); },
          Close() { open = false; },
        };
      },
      CreateTextReader(file: unknown, _encoding?: unknown) {
        count('FileSystem.CreateTextReader');
        const path = pathOf(file, 'CreateTextReader');
        const content = fs.read(path);
        if (content === undefined) throw new realm.Error(`CreateTextReader: '${path}' does not exist`);
        const lines = content.split('\n');
        if (lines[lines.length - 1] === '') lines.pop();
        let i = 0;
        return {
          ReadLine() {
            if (i >= lines.length) throw new realm.Error('ReadLine: end of file');
            return lines[i++];
          },
          get AtEndOfFile() { return i >= lines.length; },
          Close() {},
        };
      },
    };
    return api;
  }
}

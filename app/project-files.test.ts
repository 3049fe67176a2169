import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  addRecentFile,
  defaultSavePath,
  maxRecentFiles,
  parseRecentFiles,
  projectFileFilters,
  projectFileName,
  projectPathsFromArgv,
  withProjectExtension,
} from './project-files';

describe('project file names', () => {
  it.each([
    ['LeNet', 'LeNet.cnn.json'],
    ['  ResNet-18  ', 'ResNet-18.cnn.json'],
    ['a/b\\c:d*e?f"g<h>i|j', 'a-b-c-d-e-f-g-h-i-j.cnn.json'],
    ['tab\tand\nnewline', 'tab-and-newline.cnn.json'],
    ['..hidden', 'hidden.cnn.json'],
    ['', 'untitled.cnn.json'],
    ['model.cnn.json', 'model.cnn.json'],
    ['graph.JSON', 'graph.JSON'],
  ])('%j becomes %j', (name, file) => {
    expect(projectFileName(name)).toBe(file);
  });

  it('adds the extension to a save path typed without one', () => {
    expect(withProjectExtension('/home/ada/lenet')).toBe('/home/ada/lenet.cnn.json');
    expect(withProjectExtension('/home/ada/lenet.json')).toBe('/home/ada/lenet.json');
  });

  it('suggests the name in the given folder', () => {
    expect(defaultSavePath('/home/ada/models', 'VGG 11')).toBe(
      path.join('/home/ada/models', 'VGG 11.cnn.json'),
    );
  });

  it('offers *.cnn.json first, then *.json', () => {
    expect(projectFileFilters.map((filter) => filter.extensions)).toEqual([['cnn.json'], ['json'], ['*']]);
  });
});

describe('recent files', () => {
  it('puts the latest first without duplicates and keeps at most ten', () => {
    let list: string[] = [];
    for (let index = 0; index < 12; index++) list = addRecentFile(list, `/p/${index}.cnn.json`);
    list = addRecentFile(list, '/p/5.cnn.json');
    expect(list).toHaveLength(maxRecentFiles);
    expect(list.slice(0, 3)).toEqual(['/p/5.cnn.json', '/p/11.cnn.json', '/p/10.cnn.json']);
    expect(list.filter((entry) => entry === '/p/5.cnn.json')).toHaveLength(1);
  });

  it('reads back only absolute path strings, and nothing from a damaged file', () => {
    expect(parseRecentFiles('["/a.cnn.json", 3, "relative.json", null, "/b.json"]')).toEqual([
      '/a.cnn.json',
      '/b.json',
    ]);
    expect(parseRecentFiles('{"not": "a list"}')).toEqual([]);
    expect(parseRecentFiles('["/a.cnn.json"')).toEqual([]);
  });

  it('finds project files on a command line, relative to its folder', () => {
    expect(
      projectPathsFromArgv(
        ['/opt/CNN Studio/cnn-studio', '--no-sandbox', 'models/lenet.cnn.json', '/tmp/x.json', 'README.md'],
        '/home/ada',
      ),
    ).toEqual(['/home/ada/models/lenet.cnn.json', '/tmp/x.json']);
  });
});

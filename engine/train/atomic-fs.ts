/**
 * The training engine's names for the engine's one atomic write module
 * (engine/host/atomic-file.ts): files written whole, folders replaced whole and only when ours.
 */
export {
  assertReplaceable,
  exists,
  ForeignContentError,
  readableDir,
  replaceDirAtomic,
  writeFileAtomic,
  type OwnedDirRules,
} from '../host/atomic-file';

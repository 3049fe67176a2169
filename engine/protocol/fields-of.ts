/** Request schemas tied to their types (methods.ts and the window-run schemas use it). */
import { z } from 'zod';

/**
 * An object schema whose keys must be exactly those of `T`: a field added to a request
 * type without a schema here fails the typecheck (optional fields included).
 *
 * @example fieldsOf<DatasetImportRequest>()({ kind: z.enum([...]), path, name: displayName.optional() })
 */
export const fieldsOf =
  <T>() =>
  <S extends { readonly [K in keyof T]-?: z.ZodType }>(shape: S & Record<Exclude<keyof S, keyof T>, never>) =>
    z.object(shape);

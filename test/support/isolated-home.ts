/**
 * Points HOME at a fresh, empty temp directory. Import it FIRST in any test that loads the Genesys SDK: the SDK
 * reads (and watches) `~/.genesyscloudjavascript/config` when it is loaded and whenever an ApiClient is built,
 * and that file can redirect requests or switch on logging (research notes §7.4).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The empty directory HOME now points at. */
export const ISOLATED_HOME = mkdtempSync(join(tmpdir(), "genesys-home-"));
process.env.HOME = ISOLATED_HOME;

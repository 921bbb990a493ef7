/**
 * `cosell-relay auth login|status`: the one interactive Partner Center sign-in (device code) whose
 * refresh token the relay then keeps, encrypted, and renews on its own.
 */
import { Command, InvalidArgumentError } from "commander";
import { deviceCodeTokenProvider } from "../composition/parts";
import { ConfigError } from "../config/load";
import { requireSections } from "../config/require";
import type { DeviceCodeTokenProvider } from "../partner-center/device-code-token-provider";
import { CliFailure, type CliContext } from "./context";
import { relayConfigFor, relayDependenciesFor } from "./relay-config";

export function authCommand(context: CliContext): Command {
  const auth = new Command("auth").description("Sign the relay in to Partner Center (App+User) and check that sign-in.");

  auth
    .command("login")
    .description("Sign in with a device code; the refresh token is kept in the encrypted token cache.")
    .action(async (_options, command: Command) => {
      const provider = signInFor(command, context);
      const { username } = await provider.signIn((message) => context.io.out(message));
      context.io.out(`Signed in to Partner Center as ${username}.`);
    });

  auth
    .command("status")
    .description("Say who is signed in and when the refresh token lapses if unused.")
    .option("--warn-days <days>", "exit non-zero when fewer days are left", wholeDays, 14)
    .action(async (options: { warnDays: number }, command: Command) => {
      const status = await signInFor(command, context).status();
      if (!status.signedIn) throw new CliFailure('Nobody is signed in to Partner Center on this relay. Run "cosell-relay auth login".');
      context.io.out(`Signed in to Partner Center as ${status.username}.`);
      if (status.refreshTokenExpiresBy && status.daysLeft !== undefined) {
        context.io.out(`The refresh token was last renewed ${status.refreshTokenRenewedAt!.toISOString()}; unused, it lapses by ${status.refreshTokenExpiresBy.toISOString()} (${status.daysLeft} days).`);
        if (status.daysLeft < options.warnDays) {
          throw new CliFailure(`The Partner Center refresh token lapses in ${status.daysLeft} days: start the relay so it renews the token, or run "cosell-relay auth login".`);
        }
      }
    });

  return auth;
}

/** The device-code sign-in the configuration describes; a configured static token cannot sign anyone in. */
function signInFor(command: Command, context: CliContext): DeviceCodeTokenProvider {
  const config = relayConfigFor(command, context);
  const auth = requireSections(config, ["partnerCenter"]).partnerCenter.auth;
  if (auth.kind !== "device-code") {
    throw new ConfigError(
      "COSELL_PC_ACCESS_TOKEN is set, so the relay uses that token and keeps no sign-in of its own. " +
        "To sign in, unset it and set COSELL_PC_CLIENT_ID, COSELL_PC_TENANT_ID and COSELL_PC_TOKEN_CACHE_KEY.",
    );
  }
  return deviceCodeTokenProvider(auth, relayDependenciesFor(context, config).logger);
}

function wholeDays(value: string): number {
  const days = Number(value);
  if (!Number.isInteger(days) || days < 0) throw new InvalidArgumentError("Expected a whole number of days.");
  return days;
}

/** `vendor --help`. */
export const USAGE = `Usage: vendor <command> [options]

Commands:
  keygen --out <dir> [--force]
      Create vendor.public.jwk.json and vendor.secret.jwk.json (0600) in <dir>.
  issue-server --vendor-dir <dir> --out <bundle.json> --company <name> --ip-ranges <ranges>
               --product-version <v> --max-connections <n> (--expires <ISO date> | --days <n>)
               [--project <name>] [--product FineReport] [--domains a,b] [--app-names webroot]
               [--features a,b] [--port 8081] [--machine-info <MachineInfo.rif>] [--force]
      Issue a license-server bundle: a new server key pair and its server license signed by the vendor,
      and record it in <dir>/issued/ (its private activation key: only the phone page makes codes).
      Empty --domains / --app-names mean "any". IP ranges: "192.168.0.1-192.168.0.9, 10.0.0.0/8, ::1" or "*".
      --machine-info binds the license to the machine described by the customer's require/MachineInfo.rif
      (legacy machine-bound mode, from "license-server machine-info"): it will not start elsewhere.
  issue-container --vendor-dir <dir> --out <Container.lic> --company <name> --project <name>
                  --app-names <name> --product-version <v> (--expires <ISO date> | --days <n>)
                  [--max-nodes 1] [--features a,b] [--project-id <id>] [--force]
      Issue a signed Container.lic for one Local Container project and record it in <dir>/issued/.
      It certifies exactly one app name (--app-name is the same flag); --project-id also binds the
      platform's project id.
  unbind <licenseId> --vendor-dir <dir>
      Free a license's binding to a license-server instance or project, for a migration; prints what
      it freed. The next QR scan binds it again.
  serve --vendor-dir <dir> [--host 127.0.0.1] [--port 8090]
      Run the phone page (GET /a/<token>) that turns a scanned QR code into its 6-digit code.
      A phone on the LAN needs --host 0.0.0.0; the QR codes point to the base URL the license server
      and the BFF are configured with, which must be an address the phone can reach.
  print <bundle.json>
      Show the license in a bundle (signature not checked; the private key is never shown).
  verify <bundle.json> --vendor-public <file>
      Check the vendor signature and that the bundled server key is the certified one.
  verify-receipt <receipt.fr> --vendor-public <file>
      Check a license server's destroy receipt (uninstall/receipt.fr): its server license against the
      vendor key, the receipt against the server key that license certifies, and its lease list; print
      license id, company, destroy time and the leases in use then. Exit 1 with the reason otherwise.

Options:
  -h, --help   Show this help.
`;

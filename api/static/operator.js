// The operator's page.
import { startPage } from "./dialer.js";

startPage({ roles: ["operator", "supervisor", "admin"], onSignedIn: async () => {} });

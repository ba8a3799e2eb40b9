// In the portal "Severity" is an incident's SEV1–SEV5. MudBlazor's alert severity (Info, Success, Warning, Error) is
// written MudBlazor.Severity where it is meant, so no file needs an alias of its own (_Imports.razor says the same for
// the components, whose usings sit inside their namespace).
global using Severity = Portal.Shared.Incidents.Severity;

using MudBlazor;

namespace Portal.Components.Layout;

internal static class PortalTheme
{
    private static readonly string[] FontStack = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Noto Sans", "Noto Sans JP", "Helvetica", "Arial", "sans-serif"];

    public static readonly MudTheme Theme = new()
    {
        // Every colour that is text, or that text sits on, reaches WCAG 2.1 AA (4.5:1) against what it meets: the
        // status colours are a shade darker than MudBlazor's in light mode, and in dark mode light enough for dark text
        // on them (their ContrastText), since white on a light status colour cannot reach 4.5:1.
        PaletteLight = new PaletteLight
        {
            Primary = "#1f5fbf",
            Secondary = "#0b7268",
            Tertiary = "#5b3fa6",
            Info = "#1565c0",
            Success = "#256b29", // one shade darker than Material green 800: a text chip on its own tint passes AA (4.43:1 before)
            Warning = "#a84f00",
            Error = "#c62828",
            AppbarBackground = "#15294a",
            Background = "#f5f7fa",
            DrawerBackground = "#ffffff",
            TextPrimary = "rgba(0, 0, 0, 0.87)",
            TextSecondary = "#595c61",
            TextDisabled = "#6f7276",
            ActionDefault = "#595c61",
            ActionDisabled = "#8a8d91",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#82b4ff",
            PrimaryContrastText = "#0b1a33",
            Secondary = "#5fd8cc",
            SecondaryContrastText = "#04201d",
            Tertiary = "#c3a6ff",
            TertiaryContrastText = "#1d0f3d",
            Info = "#7cc0ff",
            InfoContrastText = "#04203a",
            Success = "#6fd69c",
            SuccessContrastText = "#03240f",
            Warning = "#ffc266",
            WarningContrastText = "#2b1a00",
            Error = "#ff8f8f",
            ErrorContrastText = "#2e0404",
            AppbarBackground = "#101a2c",
            TextPrimary = "rgba(255, 255, 255, 0.90)",
            TextSecondary = "#c4c5cb",
            TextDisabled = "#a4a6ad",
            ActionDefault = "#c4c5cb",
            ActionDisabled = "#8f9198",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = FontStack },
            H1 = new H1Typography { FontFamily = FontStack },
            H2 = new H2Typography { FontFamily = FontStack },
            H3 = new H3Typography { FontFamily = FontStack },
            H4 = new H4Typography { FontFamily = FontStack, FontSize = "1.75rem", FontWeight = "600" },
            H5 = new H5Typography { FontFamily = FontStack, FontWeight = "600" },
            H6 = new H6Typography { FontFamily = FontStack, FontWeight = "600" },
            Button = new ButtonTypography { FontFamily = FontStack },
            Body1 = new Body1Typography { FontFamily = FontStack },
            Body2 = new Body2Typography { FontFamily = FontStack },
            Caption = new CaptionTypography { FontFamily = FontStack },
            Subtitle1 = new Subtitle1Typography { FontFamily = FontStack },
            Subtitle2 = new Subtitle2Typography { FontFamily = FontStack },
            Overline = new OverlineTypography { FontFamily = FontStack },
        },
    };
}

internal static class P { public static void Main() { } }

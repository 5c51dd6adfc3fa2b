package dev.masklab.cli;

import picocli.CommandLine;

/**
 * picocli converters for {@code double}/{@code float} options that refuse NaN and infinite values: Java's parsers
 * accept "NaN" and "Infinity", which no option of MaskLab means (a NaN learning rate would silently read as "not set").
 * picocli reports the refusal naming the option: {@code Invalid value for option '--lr': ...}.
 */
final class FiniteNumbers {
    private FiniteNumbers() {}

    /** Registers the converters on {@code cl} and its subcommands (call before adding none later). */
    static CommandLine register(CommandLine cl) {
        cl.registerConverter(Double.class, FiniteNumbers::parseDouble);
        cl.registerConverter(Double.TYPE, FiniteNumbers::parseDouble);
        cl.registerConverter(Float.class, s -> (float) parseFloat(s));
        cl.registerConverter(Float.TYPE, s -> (float) parseFloat(s));
        return cl;
    }

    static double parseDouble(String s) {
        double v;
        try {
            v = Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + s + "' is not a number");
        }
        if (!Double.isFinite(v)) throw new CommandLine.TypeConversionException("'" + s + "' is not a finite number");
        return v;
    }

    static float parseFloat(String s) {
        double v = parseDouble(s);
        if (!Float.isFinite((float) v)) {
            throw new CommandLine.TypeConversionException("'" + s + "' is out of range");
        }
        return (float) v;
    }
}

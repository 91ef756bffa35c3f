package org.flows4j.cli;

/** Puts AWT in headless mode unless the user chose otherwise, so plots render without a display. */
final class Headless {
    private Headless() {
    }

    static void ensure() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }
}

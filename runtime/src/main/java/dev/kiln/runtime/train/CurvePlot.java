package dev.kiln.runtime.train;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws a history's learning curves with XChart. The only class that names XChart's types: it is loaded
 * only once {@link LearningCurves} has checked that XChart is there.
 */
final class CurvePlot {

    private static final Color TRAINING = new Color(0x1F, 0x77, 0xB4);
    private static final Color VALIDATION = new Color(0xFF, 0x7F, 0x0E);

    private CurvePlot() {
    }

    /** Draws the loss, and the accuracy where measured, side by side, into a PNG of the given size. */
    static void write(History history, Path path, int width, int height) throws IOException {
        List<XYChart> charts = new ArrayList<>();
        // a loss falls, an accuracy rises: each legend goes where its curves usually are not
        charts.add(chart(history, "loss", "Loss", Styler.LegendPosition.InsideNE));
        if (history.has("accuracy")) {
            charts.add(chart(history, "accuracy", "Accuracy", Styler.LegendPosition.InsideSE));
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        try {
            graphics.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            graphics.setColor(Color.WHITE);
            graphics.fillRect(0, 0, width, height);
            int left = 0;
            for (int c = 0; c < charts.size(); c++) {
                int right = width * (c + 1) / charts.size();
                Graphics2D panel = (Graphics2D) graphics.create(left, 0, right - left, height);
                try {
                    charts.get(c).paint(panel, right - left, height);
                } finally {
                    panel.dispose();
                }
                left = right;
            }
        } finally {
            graphics.dispose();
        }
        try (OutputStream out = Files.newOutputStream(path)) {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer is available in this JVM (javax.imageio)");
            }
        }
    }

    /** The chart of {@code metric} and {@code val_<metric>} against the epoch. */
    private static XYChart chart(History history, String metric, String title, Styler.LegendPosition legend) {
        XYChart chart = new XYChartBuilder().title(title).xAxisTitle("epoch").yAxisTitle(metric).build();
        Styler styler = chart.getStyler();
        styler.setLegendPosition(legend);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        double[] epochs = history.epochs().stream().mapToDouble(EpochStats::epoch).toArray();
        chart.addSeries("training", epochs, history.values(metric)).setMarker(SeriesMarkers.NONE)
                .setLineColor(TRAINING);
        if (history.has("val_" + metric)) {
            chart.addSeries("validation", epochs, history.values("val_" + metric)).setMarker(SeriesMarkers.NONE)
                    .setLineColor(VALIDATION);
        }
        return chart;
    }
}

